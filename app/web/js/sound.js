// Short beeps for scan results, made with the Web Audio API: a high blip for done, two low
// tones for a problem, so that a trainee hears the result without looking.
let context = null;

function tone(ctx, frequency, start, duration) {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = 'square';
  osc.frequency.value = frequency;
  gain.gain.setValueAtTime(0.08, ctx.currentTime + start);
  gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + start + duration);
  osc.connect(gain).connect(ctx.destination);
  osc.start(ctx.currentTime + start);
  osc.stop(ctx.currentTime + start + duration);
}

export function beep(ok) {
  try {
    context = context || new AudioContext();
    if (ok) tone(context, 1400, 0, 0.09);
    else {
      tone(context, 300, 0, 0.18);
      tone(context, 220, 0.22, 0.25);
    }
  } catch {
    // No audio device: the colour and the message still say it.
  }
}
