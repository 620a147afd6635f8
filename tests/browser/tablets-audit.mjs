// The group `tablets-audit` of run.mjs: a tablet on the bench page (reemploi-emulated-tablet on
// TCP, a network tablet of the server's configuration), the audit page (verify), the privacy purge
// (dry run, then confirmed). Each new page is checked by axe and photographed at 1280×800 and at a
// phone's width (390×844), outside the repository.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1280, height: 800 };

// Starts the emulated tablet (its reset denied, as Android 8 and later do), seeds what the
// scenarios need, and returns the lines for the server's configuration.
export async function setup({ tabletTool, cli }) {
  if (!tabletTool) throw new Error('--tablet PATH (reemploi-emulated-tablet) is required for the tablets-audit group');
  const child = spawn(tabletTool, ['--port', '0', '--profile', 'xiaomi-pad-6', '--reset-denied', '--google-accounts', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const address = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`reemploi-emulated-tablet ended (${code}): ${out}`)));
  });
  cli(['user', 'add', 'alex', '--role', 'admin'], 'atelier-velo-42-pommes\n');
  // A tablet donated by a company (registered with the serial the emulated tablet reports), and an
  // individual donor whose data is past its retention period.
  const getprop = fs.readFileSync(new URL('../fixtures/android/xiaomi-pad-6/getprop.txt', import.meta.url), 'utf8');
  const serial = /^\[ro\.serialno\]: \[([^\]]+)\]/m.exec(getprop)[1];
  cli(['unit', 'add', '--donation', '1', '--kind', 'tablet', '--serial', serial, '--make', 'Xiaomi']);
  cli(['donor', 'add', '--name', 'Jeanne Martin', '--kind', 'individual', '--email', 'jeanne@example.org']);
  cli(['donation', 'add', '--donor', '2', '--received', '2019-03-02', '--site', 'Atelier Nord']);
  return {
    serial,
    config: `adb.tcp = ${address}\nadb.reboot_seconds = 5\n`,
    stop: () => child.kill('SIGTERM'),
  };
}

export function scenarios({ check, signIn, signOut, scan, screens, group }) {
  // axe and a screenshot at the desk's size (check), then a screenshot at a phone's width.
  async function pageShots(page, name) {
    await page.setViewportSize(DESK);
    await check(page, name);
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: path.join(screens, `${group}-${name}-phone.png`), fullPage: true });
    // The same in screen-sized parts, as a phone shows it (a long page is unreadable shrunk whole).
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > PHONE.width) {
      const culprits = await page.evaluate((w) => [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > w + 1)
        .slice(-3).map((e) => `${e.tagName.toLowerCase()}.${e.className} "${(e.textContent || '').slice(0, 40)}"`), PHONE.width);
      throw new Error(`${name}: the page is ${wide} px wide on a ${PHONE.width} px phone (sideways scrolling): ${culprits.join('; ')}`);
    }
    for (let y = 0, part = 1; y < height; y += PHONE.height, part += 1) {
      await page.screenshot({ path: path.join(screens, `${group}-${name}-phone-${part}.png`), fullPage: true,
        clip: { x: 0, y, width: PHONE.width, height: Math.min(PHONE.height, height - y) } });
    }
    await check(page, `${name}-phone`);
    await page.setViewportSize(DESK);
  }

  return {
    'a plugged tablet appears on the bench, is diagnosed, and its refused reset says what to do by hand': async (page, env) => {
      await signIn(page, env.base, 'sami');
      await page.getByRole('heading', { name: 'Tablettes et téléphones' }).waitFor();
      await page.locator('.tablet-list .tablet').first().waitFor();
      await page.locator('.scan-input').focus();
      await scan(page, env.tabletSerial);
      await page.getByRole('button', { name: /Diagnostiquer et enregistrer sur RE-\d+/ }).waitFor();
      await pageShots(page, 'tablette-branchee');
      await page.getByRole('button', { name: /Diagnostiquer et enregistrer sur RE-\d+/ }).click();
      await page.getByRole('heading', { name: 'Diagnostic : Xiaomi Pad 6' }).waitFor();
      await page.getByText(/chargée à \d+ %/).waitFor();
      await page.getByText(/Go, dont .* Go libres/).waitFor();
      await page.getByText('Aucun compte Google').waitFor();
      await page.getByText(/Enregistré sur l’appareil RE-\d+/).waitFor();
      await pageShots(page, 'tablette-diagnostic');
      await page.getByRole('button', { name: /Réinitialiser \(tout effacer\)/ }).click();
      await page.getByText(/refuse d’être réinitialisée à distance/).waitFor({ timeout: 30000 });
      await page.getByText(/Wipe data\/factory reset/).waitFor();
      await pageShots(page, 'tablette-a-la-main');
      if (!(await page.getByRole('button', { name: /Réinitialiser \(tout effacer\)/ }).isDisabled())) throw new Error('the reset can be pressed twice');
      await page.getByRole('button', { name: /J’ai fait la réinitialisation/ }).click();
      await page.getByText(/Réinitialisation enregistrée pour RE-\d+/).waitFor();
      await signOut(page);
    },
    'a coordinator verifies the journal and keeps its fingerprint': async (page, env) => {
      await signIn(page, env.base, 'camille');
      await page.getByRole('link', { name: 'Journal' }).click();
      await page.getByRole('heading', { name: /Journal de l’atelier/ }).waitFor();
      await page.locator('code.anchor').waitFor();
      const anchor = await page.locator('code.anchor').textContent();
      if (!/^\d+:[0-9a-f]{64}$/.test(anchor)) throw new Error(`anchor "${anchor}"`);
      const download = page.getByRole('link', { name: 'Télécharger l’empreinte' });
      const file = await page.request.get(new URL(await download.getAttribute('href'), page.url()).href);
      if (!(await file.text()).includes(anchor)) throw new Error('the downloaded fingerprint is not the one shown');
      await page.getByRole('button', { name: 'Vérifier maintenant' }).click();
      await page.getByText(/Journal intact : .* entrées vérifiées/).waitFor({ timeout: 60000 });
      await page.getByText('Le stock correspond exactement au journal.').waitFor();
      if (await page.getByRole('button', { name: 'Voir ce qui serait effacé' }).count()) throw new Error('a coordinator is offered the purge');
      await pageShots(page, 'journal-verifie');
      await signOut(page);
    },
    'an admin sees what the purge would erase, then purges with a confirmation': async (page, env) => {
      await signIn(page, env.base, 'alex');
      await page.goto(`${env.base}/#audit`);
      await page.getByRole('button', { name: 'Voir ce qui serait effacé' }).click();
      await page.getByText('1 donateur(s) particulier(s), leur nom et leur e-mail : Jeanne Martin (n° 2)').waitFor();
      const purge = page.getByRole('button', { name: 'Effacer maintenant' });
      if (!(await purge.isDisabled())) throw new Error('the purge can be pressed before the confirmation');
      await pageShots(page, 'donnees-personnelles');
      await page.getByLabel('J’ai compris, c’est définitif').check();
      await purge.click();
      await page.getByText(/Effacé\. C’est écrit dans le journal/).waitFor();
      // The journal still verifies after the purge.
      await page.getByRole('button', { name: 'Vérifier maintenant' }).click();
      await page.getByText(/Journal intact/).waitFor({ timeout: 60000 });
      await page.getByText(/données personnelles masquées/).waitFor();
      await check(page, 'donnees-purgees');
      await signOut(page);
    },
  };
}
