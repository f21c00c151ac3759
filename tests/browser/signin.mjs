// Signing a citizen in through the API (issue 16: submitting needs a signed-in person), for the scripts
// that send a dossier through the API: the code comes from the development SMS sink
// (`$MOTCUA_DATA_DIR/sms.log`). `request` is a page's or context's APIRequestContext, whose cookies are the
// browser context's: the session cookie set here goes with the page's own requests too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Signs `phone` in; the session's CSRF token (send it as `x-csrf-token` on writes). */
export async function signInByApi(request, base, phone) {
  const dataDir = process.env.MOTCUA_DATA_DIR;
  if (!dataDir) throw new Error('MOTCUA_DATA_DIR is not set');
  // Already signed in (another person before, in the same context): the writes echo that session's
  // anti-forgery token, as the app does; signing in then replaces the session.
  const current = await (await request.get(`${base}/api/v1/session`)).json();
  const headers = current.csrf_token ? { 'x-csrf-token': current.csrf_token } : {};
  const sent = await request.post(`${base}/api/v1/auth/otp`, { data: { phone }, headers });
  if (sent.status() !== 202) throw new Error(`POST /api/v1/auth/otp answered ${sent.status()}: ${await sent.text()}`);
  const lines = readFileSync(join(dataDir, 'sms.log'), 'utf8').trim().split('\n')
    .filter((l) => l.split('\t')[1] === phone);
  const code = lines.at(-1)?.split('\t')[2]?.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no sign-in code for ${phone} in sms.log`);
  const verified = await request.post(`${base}/api/v1/auth/otp/verify`, { data: { phone, code }, headers });
  if (verified.status() !== 200) {
    throw new Error(`POST /api/v1/auth/otp/verify answered ${verified.status()}: ${await verified.text()}`);
  }
  return (await verified.json()).csrf_token;
}
