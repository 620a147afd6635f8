// The pages in a real browser: a temporary database seeded through the command line, `reemploi
// serve` on a free port, Debian's Chromium driven by playwright-core (no browser is ever
// downloaded), axe-core on every page (no serious or critical violation), screenshots of every
// page (French, and English once) outside the repository.
//   node run.mjs --reemploi build/reemploi --group pages|web-api [--web-root app/web]
// Exit 0 when every scenario of the group passed; 1 otherwise, naming each failure.
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import * as tabletsAudit from './tablets-audit.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const here = path.dirname(new URL(import.meta.url).pathname);
const reemploi = path.resolve(option('reemploi', path.join(here, '../../build/reemploi')));
const group = option('group', 'pages');
const webRoot = option('web-root', '');
const tabletTool = option('tablet', '');  // reemploi-emulated-tablet, for the tablets-audit group
const screens = process.env.REEMPLOI_SCREENS || path.join(os.tmpdir(), 'reemploi-screens');
const chromiumPath = process.env.REEMPLOI_CHROMIUM || '/usr/bin/chromium';
const PASSWORD = 'atelier-velo-42-pommes';

if (!fs.existsSync(chromiumPath)) {
  console.error(`browser tests: ${chromiumPath} is missing (apt-get install chromium; scripts/bootstrap installs it)`);
  process.exit(process.env.CI ? 1 : 77);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reemploi-browser-'));
const db = path.join(tmp, 'reemploi.db');
fs.mkdirSync(screens, { recursive: true });

function cli(args, input) {
  return execFileSync(reemploi, ['--db', db, ...args], { input: input ?? '', encoding: 'utf8' });
}
function writeFile(name, content) {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
}
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

// A label printer: a raw TCP listener (port 9100 style) that answers the host status request
// (~HS) as a ready Zebra does (three STX…ETX lines: no paper out, not paused, head closed, ribbon
// in; the server refuses to send to a printer that does not answer), and keeps the job it receives.
const HOST_STATUS = '\x02030,0,0,1245,000,0,0,0,000,0,0,0\x03\r\n\x02001,0,0,0,1,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n';
const zpl = { jobs: [], server: null, port: 0 };
async function startPrinter() {
  zpl.server = net.createServer((socket) => {
    let received = '';
    let answered = false;
    socket.on('data', (d) => {
      received += d.toString('latin1');
      if (!answered && received.includes('~HS')) { answered = true; socket.write(HOST_STATUS, 'latin1'); }
    });
    socket.on('end', () => { zpl.jobs.push(received.replace('~HS', '')); socket.end(); });
    socket.on('error', () => {});
  });
  await new Promise((resolve) => zpl.server.listen(0, '127.0.0.1', resolve));
  zpl.port = zpl.server.address().port;
}

// --- the data the scenarios start from (through the command line, as the workshop would) ---
function seed(port) {
  cli(['init']);
  cli(['user', 'add', 'camille', '--role', 'coordinator'], `${PASSWORD}\n`);
  cli(['user', 'add', 'sami', '--role', 'trainee'], `${PASSWORD}\n`);
  cli(['donor', 'add', '--name', 'Entreprise Exemple', '--kind', 'company']);
  cli(['donation', 'add', '--donor', '1', '--received', '2026-01-15', '--site', 'Atelier Nord']);
  // Ten laptops for the scan in a row.
  for (let i = 1; i <= 10; i += 1) cli(['unit', 'add', '--donation', '1', '--kind', 'laptop', '--serial', `ROW-${String(i).padStart(3, '0')}`, '--make', 'Dell', '--model', 'Latitude 5490']);
  // Three ready units for the allocation.
  for (let i = 1; i <= 3; i += 1) {
    const out = cli(['unit', 'add', '--donation', '1', '--kind', 'laptop', '--serial', `READY-${i}`, '--make', 'HP', '--model', 'EliteBook 840', '--grade', 'B', '--json']);
    const tag = JSON.parse(out).tag;
    cli(['unit', 'declare-storage', tag, '--absent', '--reason', 'test unit, no storage']);
    cli(['unit', 'set-status', tag, 'diagnosed', '--reason', 'checked']);
    cli(['unit', 'set-status', tag, 'ready', '--reason', 'checked']);
  }
  // A laptop whose disk (a file here) was wiped at the bench: its certificate is on the donor's page.
  const wiped = JSON.parse(cli(['unit', 'add', '--donation', '1', '--kind', 'laptop', '--serial', 'WIPED-1', '--make', 'Dell', '--model', 'Latitude 7490', '--json'])).tag;
  cli(['wipe', writeFile('disque.img', Buffer.alloc(1 << 20, 7)), '--unit', wiped, '--medium', 'new', '--method', 'clear-zero', '--verify', 'full']);
  cli(['school', 'import', writeFile('ecoles.csv', 'UAI;Nom;Commune;QPV\n0750655E;Jean Jaurès;Paris;non\n0130040Y;Le Port;Marseille;non\n')]);
  cli(['need', 'import', writeFile('besoins.csv', 'famille,uai,niveaux,équipements,préférence\nF-1,0750655E,CM2,0,portable\nF-2,0750655E,CP CE1,1,portable\nF-3,0130040Y,CP,0,\n')]);
  // A school mediator for the first school, and a connectivity kit.
  cli(['user', 'add', 'lea', '--role', 'mediator', '--structure', '0750655E'], `${PASSWORD}\n`);
  cli(['kit', 'add', '--kind', '4g-key', '--imei', '490154203237518', '--operator', 'Orange', '--plan-end', '2099-01-31']);
  const link = cli(['donor-link', 'create', '--donation', '1', '--base-url', `http://127.0.0.1:${port}`]).split('\n')[0].trim();
  return { link };
}

async function startServer(port, extraConfig = '') {
  // Regular files as wipe targets (a disk image): refused unless the configuration allows them.
  const config = writeFile('reemploi.conf', `printer = tcp://127.0.0.1:${zpl.port}\nwipe.file_targets = yes\n${extraConfig}`);
  const args = ['--db', db, 'serve', '--port', String(port), '--bind', '127.0.0.1', '--config', config];
  if (webRoot) args.push('--web-root', path.resolve(webRoot));
  // Test machines and containers often run as root; the refusal itself is tested in ApiTest.
  if (process.getuid && process.getuid() === 0) args.push('--allow-root');
  const child = spawn(reemploi, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  for (let i = 0; i < 200; i += 1) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/me`);
      if (r.status === 401) return { child, exited, log: () => log };
    } catch { /* not yet listening */ }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not start:\n${log}`);
}

// --- checks shared by the scenarios ---
const results = [];
let shot = 0;
async function check(page, name) {
  shot += 1;
  await page.screenshot({ path: path.join(screens, `${group}-${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) throw new Error(`axe on ${name}: ${bad.map((v) => `${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(', ')}`).join('; ')}`);
}

async function signIn(page, base, name) {
  await page.context().clearCookies();  // whatever the previous scenario left
  await page.goto(`${base}/`);
  await page.getByLabel(/Votre nom|Your name/).fill(name);
  await page.getByLabel(/Mot de passe|Password/).fill(PASSWORD);
  await page.keyboard.press('Enter');
  await page.locator('nav').waitFor();
}

async function signOut(page) {
  await page.getByRole('button', { name: /Se déconnecter|Sign out/ }).click();
  await page.getByRole('heading', { name: /Connexion|Sign in/ }).waitFor();
}

// Scans a code as the hand scanner does: types it, then Enter.
async function scan(page, code) {
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}

const scenarios = {
  pages: {
    'sign in as a trainee, the bench page': async (page, env) => {
      await page.goto(`${env.base}/`);
      await page.getByRole('heading', { name: 'Connexion' }).waitFor();
      await check(page, 'connexion');
      // A wrong password says what to do, in French.
      await page.getByLabel('Votre nom').fill('sami');
      await page.getByLabel('Mot de passe').fill('faux');
      await page.keyboard.press('Enter');
      await page.getByText('Nom ou mot de passe incorrect').waitFor();
      await signIn(page, env.base, 'sami');
      await page.getByRole('heading', { name: 'Poste de travail' }).waitFor();
      if ((await page.getAttribute('html', 'lang')) !== 'fr') throw new Error('the page is not lang="fr"');
      await check(page, 'poste');
    },
    'register a unit from an unknown scanned serial, then walk its steps': async (page, env) => {
      await page.goto(`${env.base}/#bench`);
      await page.locator('.scan-input').waitFor();
      await scan(page, 'NEW-SERIAL-77');
      await page.getByText('Le code « NEW-SERIAL-77 » est inconnu').waitFor();
      if ((await page.getByLabel('Numéro de série', { exact: true }).inputValue()) !== 'NEW-SERIAL-77') throw new Error('the serial was not carried into the form');
      await page.getByLabel('Marque').fill('Lenovo');
      await page.getByLabel('Modèle').fill('ThinkPad T480');
      await check(page, 'enregistrer');
      await page.getByLabel('Modèle').press('Enter');
      await page.getByText(/Appareil enregistré : RE-\d+/).waitFor();
      await page.getByRole('button', { name: /Diagnostic terminé/ }).click();
      await page.getByRole('button', { name: 'Il n’y a pas de disque dedans' }).click();
      await page.getByRole('button', { name: /B — quelques traces/ }).click();
      await check(page, 'noter');
      await page.getByRole('button', { name: 'L’étiquette est déjà collée' }).click();
      await page.getByRole('button', { name: 'Mettre en stock : prêt' }).click();
      await page.getByText('Cet appareil est prêt').waitFor();
      await check(page, 'pret');
      // Scanning the serial again finds the unit.
      await page.locator('.scan-input').fill('');
      await page.locator('.scan-input').focus();
      await scan(page, 'NEW-SERIAL-77');
      await page.getByText('Cet appareil est prêt').waitFor();
    },
    'check in ten units in a row with the keyboard only': async (page, env) => {
      await page.goto(`${env.base}/#scan`);
      await page.getByRole('heading', { name: 'Scan en série' }).waitFor();
      // The focus starts in the scan input and stays there.
      for (let i = 1; i <= 10; i += 1) await scan(page, `ROW-${String(i).padStart(3, '0')}`);
      await page.locator('.scan-list li.ok').nth(9).waitFor();
      await scan(page, 'ROW-001');  // already checked in? still `received`: fine; an unknown code is not
      await scan(page, 'INCONNU-1');
      await page.locator('.scan-list li.bad').first().waitFor();
      const count = await page.locator('.count').textContent();
      if (!count.includes('11 fait(s), 1 problème(s)')) throw new Error(`count says "${count}"`);
      await check(page, 'scan-en-serie');
      // English, by the switch, kept across a reload.
      await page.getByRole('button', { name: 'Switch to English' }).click();
      await page.getByRole('heading', { name: 'Scan in a row' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Scan in a row' }).waitFor();
      if ((await page.getAttribute('html', 'lang')) !== 'en') throw new Error('the page is not lang="en"');
      await check(page, 'scan-in-a-row-english');
      await page.getByRole('button', { name: 'Passer en français' }).click();
      await page.getByRole('heading', { name: 'Scan en série' }).waitFor();
      await signOut(page);
    },
    'a trainee cannot reach the coordination pages': async (page, env) => {
      await signIn(page, env.base, 'sami');
      await page.goto(`${env.base}/#coord`);
      await page.getByRole('heading', { name: 'Poste de travail' }).waitFor();
      if (await page.getByRole('link', { name: 'Coordination' }).count()) throw new Error('a trainee sees the Coordination link');
      await signOut(page);
    },
    'run, review and confirm an allocation; create a donor link': async (page, env) => {
      await signIn(page, env.base, 'camille');
      await page.getByRole('heading', { name: 'Coordination' }).waitFor();
      await page.locator('svg.chart').first().waitFor();
      await page.getByText('2 école(s), 3 besoin(s) ouvert(s).').waitFor();
      await check(page, 'coordination');
      await page.getByRole('button', { name: 'Calculer une attribution' }).click();
      await page.getByRole('table', { name: 'Attributions proposées' }).waitFor();
      const rows = await page.getByRole('table', { name: 'Attributions proposées' }).locator('tbody tr').count();
      if (rows < 3) throw new Error(`${rows} assignments, expected 3 (3 ready units, 3 needs)`);
      // Each reason in French, as the rest of the page.
      const reasons = await page.getByRole('table', { name: 'Attributions proposées' }).locator('tbody').textContent();
      if (!reasons.includes('aucun appareil à la maison') || !reasons.includes('convient : portable')) throw new Error(`reasons "${reasons}"`);
      if (/at home|fits|not measured/.test(reasons)) throw new Error(`English in the reasons: "${reasons}"`);
      await check(page, 'attribution');
      await page.getByRole('button', { name: 'Confirmer l’attribution' }).click();
      await page.getByText(/Attribution confirmée : [34] appareil\(s\)/).waitFor();
      await page.getByRole('button', { name: 'Créer un lien pour le donateur' }).first().click();
      const url = await page.getByLabel(/Lien \(valable/).inputValue();
      if (!url.includes('/donateur.html#')) throw new Error(`donor link "${url}"`);
      await page.goto(`${env.base}/#intake`);
      await page.getByRole('heading', { name: /Arrivages/ }).waitFor();
      await check(page, 'arrivages');
      await signOut(page);
    },
    'a school mediator keeps its own school’s needs, and nothing else': async (page, env) => {
      await signIn(page, env.base, 'lea');
      await page.getByRole('heading', { name: 'Besoins de 0750655E' }).waitFor();
      await page.getByRole('table', { name: /famille\(s\)/ }).waitFor();
      const text = await page.locator('main').textContent();
      if (text.includes('F-3') || text.includes('P-1')) throw new Error('a mediator sees another school’s needs');
      if (await page.getByRole('link', { name: 'Coordination' }).count()) throw new Error('a mediator sees the Coordination link');
      await check(page, 'besoins-mediatrice');
      await page.getByLabel('Référence de la famille').fill('M-7');
      await page.getByLabel('Classes des enfants').fill('CE1 CM2');
      await page.getByLabel('Appareils à la maison').fill('0');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByText('Besoin de la famille M-7 enregistré.').waitFor();
      await page.getByRole('cell', { name: 'M-7', exact: true }).waitFor();
      await page.goto(`${env.base}/#coord`);
      await page.getByRole('heading', { name: 'Besoins de 0750655E' }).waitFor();
      await signOut(page);
    },
    'a coordinator reads the loans and the connectivity kits': async (page, env) => {
      await signIn(page, env.base, 'camille');
      await page.goto(`${env.base}/#loans`);
      await page.getByRole('heading', { name: 'Prêts en cours' }).waitFor();
      await page.getByRole('table', { name: '1 kit(s)' }).waitFor();
      await page.getByText('clé 4G').waitFor();
      await check(page, 'prets-et-connexions');
      await signOut(page);
    },
    'a donor opens their link': async (page, env) => {
      await page.goto(env.link);
      await page.getByRole('heading', { name: 'Votre don' }).waitFor();
      await page.getByText('Don de Entreprise Exemple').waitFor();
      await page.getByText('Réemployé : confié à une famille').first().waitFor();
      await check(page, 'donateur');
      // The erasure certificate, as a PDF a donor can file.
      const pdf = page.getByRole('link', { name: 'Télécharger le certificat d’effacement (PDF)' });
      const answer = await page.request.get(new URL(await pdf.getAttribute('href'), page.url()).href);
      if (answer.status() !== 200 || answer.headers()['content-type'] !== 'application/pdf') throw new Error(`certificate PDF: ${answer.status()} ${answer.headers()['content-type']}`);
      if (!(await answer.body()).subarray(0, 5).equals(Buffer.from('%PDF-'))) throw new Error('the certificate is not a PDF');
      await page.goto(`${env.base}/donateur.html#inconnu`);
      await page.reload();  // only the hash changed: the same document otherwise
      await page.getByText('Ce lien est inconnu, expiré ou révoqué').waitFor();
    },
  },
  'web-api': {
    'upload a donor list, check it, import it, print its labels': async (page, env) => {
      await signIn(page, env.base, 'camille');
      await page.goto(`${env.base}/#intake`);
      const csv = writeFile('liste.csv', 'Numéro de série;Marque;Modèle;Type\nLST-1;Dell;Latitude 7490;portable\nLST-2;HP;ProBook 450;portable\nLST-3;Apple;;tablette\n');
      await page.getByLabel('Fichier du donateur (CSV)').setInputFiles(csv);
      await page.getByRole('button', { name: 'Vérifier le fichier' }).click();
      await page.getByText(/3 ligne\(s\)/).waitFor();
      await page.getByRole('table', { name: 'Comment les colonnes ont été lues' }).waitFor();
      await check(page, 'import-verification');
      await page.getByRole('button', { name: /Importer 3 appareil/ }).click();
      await page.getByText('3 appareil(s) créé(s).').waitFor();
      const before = zpl.jobs.length;
      await page.getByRole('button', { name: 'Imprimer les étiquettes' }).click();
      await page.getByText(/étiquette\(s\) envoyée\(s\)/).waitFor();
      await waitFor(() => zpl.jobs.length > before, 'the printer got no job');
      if (!zpl.jobs.at(-1).includes('^XA')) throw new Error('the printer got no ZPL');
      await check(page, 'import-fait');
      await signOut(page);
    },
    'wipe a file target and watch the progress reach 100 %': async (page, env) => {
      const disk = path.join(tmp, 'disk.img');
      fs.writeFileSync(disk, Buffer.alloc(64 << 20, 0x5a));
      const tag = JSON.parse(cli(['unit', 'add', '--donation', '1', '--kind', 'laptop', '--serial', 'WIPE-1', '--make', 'Dell', '--model', 'Latitude', '--storage', 'ssd:64M::DISK-1', '--json'])).tag;
      cli(['unit', 'set-status', tag, 'diagnosed', '--reason', 'checked']);
      await signIn(page, env.base, 'sami');
      await page.locator('.scan-input').focus();
      await scan(page, tag);
      await page.getByLabel(/Disque à effacer/).fill(disk);
      await page.getByRole('button', { name: 'Lancer l’effacement' }).click();
      await page.locator('progress.wipe-bar').waitFor();
      await check(page, 'effacement');
      await page.getByText(/Effacement réussi/).first().waitFor({ timeout: 120000 });
      const value = await page.locator('progress.wipe-bar').evaluate((p) => p.value);
      if (value !== 100) throw new Error(`the progress bar ends at ${value}`);
      await page.getByRole('button', { name: 'Marquer comme effacé' }).waitFor();
      await check(page, 'effacement-reussi');
      await signOut(page);
    },
    'print a unit label from the bench to the ZPL printer': async (page, env) => {
      const tag = JSON.parse(cli(['unit', 'add', '--donation', '1', '--kind', 'monitor', '--serial', 'LBL-1', '--make', 'Dell', '--model', 'P2419H', '--grade', 'A', '--json'])).tag;
      cli(['unit', 'set-status', tag, 'diagnosed', '--reason', 'checked']);
      await signIn(page, env.base, 'sami');
      await page.locator('.scan-input').focus();
      const before = zpl.jobs.length;
      await scan(page, tag);
      await page.getByRole('button', { name: 'Imprimer l’étiquette' }).click();
      await page.getByText('Étiquette envoyée à l’imprimante.').waitFor();
      await waitFor(() => zpl.jobs.length > before, 'the printer got no job');
      if (!zpl.jobs.at(-1).includes(tag)) throw new Error(`the label does not carry ${tag}`);
      await page.getByRole('button', { name: 'Mettre en stock : prêt' }).waitFor();
      await check(page, 'etiquette-envoyee');
      await signOut(page);
    },
  },
};

scenarios['tablets-audit'] = tabletsAudit.scenarios({ check, signIn, signOut, scan, screens, group });

async function waitFor(condition, message, ms = 10000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(message);
}

async function main() {
  if (!scenarios[group]) throw new Error(`--group ${group}: pages, web-api or tablets-audit`);
  await startPrinter();
  const port = await freePort();
  const { link } = seed(port);
  const extra = group === 'tablets-audit' ? await tabletsAudit.setup({ tabletTool, cli }) : { config: '', stop: () => {} };
  const server = await startServer(port, extra.config);
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'reemploi-chromium-'));
  // A fresh user-data-dir each run (playwright passes it as --user-data-dir).
  const context = await chromium.launchPersistentContext(userData, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1024, height: 800 },
    locale: 'fr-FR',
  });
  const env = { base: `http://127.0.0.1:${port}`, link, tabletSerial: extra.serial };
  try {
    context.setDefaultTimeout(15000);
    const page = await context.newPage();
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(String(e)));
    for (const [name, run] of Object.entries(scenarios[group])) {
      problems.length = 0;
      const started = Date.now();
      try {
        await run(page, env);
        if (problems.length) throw new Error(`the page logged errors: ${problems.join(' | ')}`);
        results.push({ name, ok: true, ms: Date.now() - started });
        console.log(`ok   ${name} (${Date.now() - started} ms)`);
      } catch (e) {
        results.push({ name, ok: false, error: e.message });
        console.log(`FAIL ${name}: ${e.message.split('\n')[0]}`);
        await page.screenshot({ path: path.join(screens, `${group}-failed-${results.length}.png`), fullPage: true }).catch(() => {});
      }
    }
  } finally {
    await context.close();
    server.child.kill('SIGTERM');
    extra.stop();
    const { code, signal } = await server.exited;
    if (code !== 0 && signal !== 'SIGTERM') console.log(`the server ended with ${code ?? signal}:\n${server.log()}`);
    zpl.server.close();
    fs.rmSync(userData, { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.ok);
  console.log(`${results.length - failed.length}/${results.length} scenarios passed (${group}); screenshots in ${screens}`);
  for (const f of failed) console.log(`  ${f.name}: ${f.error}`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
