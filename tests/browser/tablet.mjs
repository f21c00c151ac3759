// A tablet shared by many people (issue 16), in one browser profile against the real server:
// - officer A signs in at the counter (a draft left on the tablet before signing in moves into A's store)
//   and files a termination for citizen X — with a photo of a document — confirmed by the code texted to X;
//   once the receipt is back, the tablet keeps only the dossier's code: no draft, file, outbox entry or
//   profile with anything of X (IndexedDB read directly, every database and every store);
// - A signs out: the draft A never submitted is named, "remove them anyway" asks a second time, then A's
//   database is gone from the device;
// - officer B signs in on the same tablet, then citizen Y (phone and one-time code): neither finds anything
//   of X — not in any database or store, not in localStorage, not on /ho-so, not in a new form's prefill;
// - drafts someone started on the tablet without signing in in an earlier visit (another tab) do not move
//   into the next account unasked: B is asked and leaves them (keyboard only), Y is asked (the question's
//   heading takes the focus; axe and 360 px checked) and moves them into Y's account;
// - a database of Y's named the old way (SHA-256 of `citizen:<phone>`) is moved into Y's database, named
//   from the server's random store key, at Y's sign-in, and deleted.
// Prints `dossier code: …` for the Rust test.
import { chromium, request } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { auditor } from './audit.mjs';

const base = process.env.MOTCUA_URL;
const dataDir = process.env.MOTCUA_DATA_DIR;
const adminName = process.env.MOTCUA_ADMIN_USERNAME;
const adminPassword = process.env.MOTCUA_ADMIN_PASSWORD;
if (!base || !dataDir || !adminName || !adminPassword) throw new Error('MOTCUA_URL, MOTCUA_DATA_DIR and the first administrator must be set');

// Citizen X, at the counter.
const X = { name: 'Phạm Thị Xuân', phone: '0935777888', hkd: '051085012345', business: 'Hộ kinh doanh Bánh mì Cô Ba' };
// Citizen Y, who signs in on the tablet afterwards.
const Y_PHONE = '0905666777';

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function smsTo(phone) {
  let log = '';
  try {
    log = readFileSync(join(dataDir, 'sms.log'), 'utf8');
  } catch {
    return [];
  }
  return log.trim().split('\n').filter((l) => l.split('\t')[1] === phone);
}

async function codeTexted(page, phone, before) {
  let lines = [];
  for (let i = 0; i < 40 && lines.length <= before; i++) {
    lines = smsTo(phone);
    if (lines.length <= before) await page.waitForTimeout(250);
  }
  check(lines.length > before, `a code was texted to ${phone}`);
  return lines.at(-1).split('\t')[2].match(/\b(\d{6})\b/)[1];
}

// Everything the origin keeps in IndexedDB, read directly: every database, every store, keys and values
// (blobs counted), and localStorage.
async function deviceContents(page) {
  return page.evaluate(async () => {
    const req = (r) => new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const out = { databases: {}, localStorage: {} };
    for (const { name } of await indexedDB.databases()) {
      const db = await req(indexedDB.open(name));
      const stores = {};
      for (const store of db.objectStoreNames) {
        const s = db.transaction(store, 'readonly').objectStore(store);
        const keys = await req(s.getAllKeys());
        const values = await req(s.getAll());
        stores[store] = { keys, text: JSON.stringify(values), blobs: values.filter((v) => v && v.blob instanceof Blob).length };
      }
      db.close();
      out.databases[name] = stores;
    }
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      out.localStorage[key] = localStorage.getItem(key);
    }
    return out;
  });
}

/** Fails if anything of citizen X is on the device; `allowCode` is the one thing a counter receipt keeps. */
function nothingOfX(contents, when) {
  const text = JSON.stringify(contents);
  for (const [what, value] of [['name', X.name], ['phone', X.phone], ['business code', X.hkd], ['business name', X.business], ['photo', 'giay-to-cua-x']]) {
    check(!text.includes(value), `${when}: the device still holds citizen X's ${what}: ${text.slice(0, 3000)}`);
  }
  for (const [name, stores] of Object.entries(contents.databases)) {
    for (const [store, { blobs }] of Object.entries(stores)) {
      check(blobs === 0, `${when}: ${name}/${store} still holds ${blobs} file(s)`);
    }
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const problems = [];
try {
  const admin = await request.newContext({ baseURL: base });
  let res = await admin.post('/api/v1/auth/staff', { data: { username: adminName, password: adminPassword } });
  check(res.ok(), `the administrator signs in: ${res.status()}`);
  const csrf = (await res.json()).csrf_token;
  res = await admin.post('/api/v1/auth/staff/password', {
    headers: { 'X-CSRF-Token': csrf },
    data: { current_password: adminPassword, new_password: 'quản trị viên máy tính bảng' },
  });
  check(res.status() === 204, `the administrator changes the password: ${res.status()}`);

  // One browser profile: the tablet at the counter.
  const context = await browser.newContext({ viewport: { width: 800, height: 1100 }, locale: 'vi-VN' });
  const tablet = await context.newPage();
  tablet.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  tablet.on('dialog', (d) => d.accept());
  async function open(path) {
    await tablet.goto(`${base}${path}`, { waitUntil: 'domcontentloaded' });
    await tablet.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 });
  }
  async function next(expectUrl) {
    await tablet.click('button[type=submit]:has-text("Tiếp tục")');
    await tablet.waitForURL(expectUrl, { timeout: 10000 });
  }
  async function staffSignIn(username, temporary, password) {
    await open('/can-bo/dang-nhap');
    await tablet.fill('#staff-username', username);
    await tablet.fill('#staff-password', temporary);
    await tablet.click('button[type=submit]:has-text("Đăng nhập")');
    await tablet.waitForURL(/\/can-bo\/mat-khau$/, { timeout: 10000 });
    await tablet.fill('#password-current', temporary);
    await tablet.fill('#password-new', password);
    await tablet.fill('#password-again', password);
    await tablet.click('button[type=submit]:has-text("Đổi mật khẩu")');
    await tablet.waitForURL(/\/can-bo$/, { timeout: 10000 });
  }
  async function newTerminationPrefill() {
    await open('/nop/cham-dut-ho-kinh-doanh');
    await tablet.waitForURL(/\/soan\/[0-9a-f-]{36}\/ho-kinh-doanh$/, { timeout: 10000 });
    const first = {
      hkd_code: await tablet.inputValue('#f-hkd_code'),
      hkd_name: await tablet.inputValue('#f-hkd_name'),
    };
    await next(/\/nguoi-ky$/).catch(() => undefined);
    return { ...first, page: await tablet.content() };
  }

  // Before anyone signs in: a draft left on the tablet (the anonymous store); the commune's code.
  await open('/nop/cham-dut-ho-kinh-doanh');
  await tablet.waitForURL(/\/soan\/[0-9a-f-]{36}\/ho-kinh-doanh$/, { timeout: 10000 });
  const leftBefore = new URL(tablet.url()).pathname.split('/')[2];
  const office = await tablet.locator('#f-office option').nth(1).getAttribute('value');
  for (const username of ['can.bo.a', 'can.bo.b']) {
    res = await admin.post('/api/v1/admin/staff', {
      headers: { 'X-CSRF-Token': csrf },
      data: { username, display_name: `Cán bộ ${username.at(-1).toUpperCase()}`, role: 'commune_officer', jurisdictions: [office] },
    });
    check(res.status() === 201, `officer ${username} is created: ${res.status()} ${await res.text()}`);
    (globalThis.temporary ??= {})[username] = (await res.json()).password;
  }

  // ── Officer A files for citizen X at the counter ───────────────────────────────────────────────
  await staffSignIn('can.bo.a', globalThis.temporary['can.bo.a'], 'quầy một cửa số một');
  await open('/ho-so');
  await tablet.waitForSelector(`a[href="/soan/${leftBefore}/ho-kinh-doanh"]`, { timeout: 10000 });
  let contents = await deviceContents(tablet);
  const officerDb = Object.keys(contents.databases).find((n) => n.startsWith('motcua-p-'));
  check(officerDb && /^motcua-p-[0-9a-f]{64}$/.test(officerDb), `officer A has a database of their own: ${Object.keys(contents.databases)}`);
  check(JSON.stringify(contents.databases[officerDb].drafts.keys).includes(leftBefore), 'the draft made before signing in moved into A\'s store');
  check(!JSON.stringify(contents.databases.motcua?.drafts?.keys ?? []).includes(leftBefore), 'and left the anonymous store');
  check(await tablet.locator('.left-drafts').count() === 0, 'a draft started in this visit moves without a question');
  const aKey = (await (await tablet.request.get(`${base}/api/v1/session`)).json()).store_key;
  check(officerDb === `motcua-p-${aKey}`, `A's database is named from the server's store key: ${officerDb}`);

  await tablet.click('a[href="/nop/cham-dut-ho-kinh-doanh"]').catch(async () => open('/nop/cham-dut-ho-kinh-doanh'));
  await tablet.waitForURL(/\/soan\/[0-9a-f-]{36}\/ho-kinh-doanh$/, { timeout: 10000 });
  const filed = new URL(tablet.url()).pathname.split('/')[2];
  await tablet.fill('#f-hkd_code', X.hkd);
  await tablet.fill('#f-hkd_name', X.business);
  await tablet.selectOption('#f-office', office);
  await next(/\/nguoi-ky$/);
  await tablet.check('#f-signatory-0');
  await tablet.fill('#f-signatory_name', X.name);
  await tablet.fill('#f-filer_phone', X.phone);
  for (let i = 0; i < 4 && !/\/giay-to$/.test(tablet.url()); i++) {
    await tablet.click('button[type=submit]:has-text("Tiếp tục")');
    await tablet.waitForTimeout(500);
  }
  // A photo of one of X's documents.
  const png = await tablet.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 400;
    canvas.height = 300;
    const g = canvas.getContext('2d');
    g.fillStyle = `rgb(${Math.floor(Math.random() * 256)} 90 40)`;
    g.fillRect(0, 0, 400, 300);
    const blob = await new Promise((r) => canvas.toBlob(r, 'image/png'));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  });
  await tablet.setInputFiles('#att-other-file', { name: 'giay-to-cua-x.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
  await tablet.locator('.file-item img.file-thumb').waitFor({ timeout: 20000 });
  contents = await deviceContents(tablet);
  check(contents.databases[officerDb].files.blobs === 1, 'the photo is kept with the draft in A\'s store');
  for (let i = 0; i < 4 && !/\/cam-ket$/.test(tablet.url()); i++) {
    await tablet.click('button[type=submit]:has-text("Tiếp tục")');
    await tablet.waitForTimeout(500);
  }
  for (const box of await tablet.locator('input[type=checkbox][id^="f-commitments-"]').all()) await box.check();
  await next(/\/kiem-tra$/);
  await tablet.waitForSelector('#assisted-code', { timeout: 10000 });
  const before = smsTo(X.phone).length;
  await tablet.click('button:has-text("Gửi mã xác nhận đến số của người dân")');
  await tablet.fill('#assisted-code', await codeTexted(tablet, X.phone, before));
  await tablet.click('button[type=submit]:has-text("Nộp hồ sơ")');
  await tablet.waitForURL(new RegExp(`/ho-so/${filed}$`), { timeout: 10000 });
  await tablet.waitForSelector('text=Đã gửi hồ sơ nộp giúp', { timeout: 30000 });
  const code = (await tablet.locator('.dossier-code').innerText()).trim();
  check(/^\d{5}-\d{6}-\d{4}$/.test(code), `a dossier code (${code})`);
  console.log(`dossier code: ${code}`);
  contents = await deviceContents(tablet);
  nothingOfX(contents, 'once sent');
  const counter = contents.databases[officerDb].counter;
  check(counter.keys.length === 1 && counter.text.includes(code), `only the receipt's code stays: ${counter.text}`);
  check(contents.databases[officerDb].profile.keys.length === 0, `the officer's profile stays empty: ${contents.databases[officerDb].profile.text}`);
  await open('/ho-so');
  await tablet.waitForSelector(`.counter-list >> text=${code}`, { timeout: 10000 });

  // ── A signs out: the draft never submitted is named; removing it is confirmed twice ─────────────
  await open('/can-bo');
  await tablet.click('button:has-text("Đăng xuất")');
  const warning = await tablet.locator('.sign-out-unsent').innerText({ timeout: 15000 });
  check(/1 bản nháp chưa nộp/.test(warning) && /không được gửi/.test(warning), `the unsent draft is named: ${warning}`);
  await tablet.click('button:has-text("Vẫn đăng xuất và xóa")');
  await tablet.waitForSelector('text=Không thể hoàn tác', { timeout: 5000 });
  await tablet.click('button:has-text("Có, xóa và đăng xuất")');
  await tablet.waitForURL(/\/dang-nhap$/, { timeout: 15000 });
  contents = await deviceContents(tablet);
  check(!(officerDb in contents.databases), `A's database is gone: ${Object.keys(contents.databases)}`);
  nothingOfX(contents, 'after A signed out');
  const session = await (await tablet.request.get(`${base}/api/v1/session`)).json();
  check(session.principal.kind === 'anonymous', 'the session ended on the server');

  // ── Someone used the tablet earlier without signing in: another tab, another visit ─────────────
  const earlier = await context.newPage();
  earlier.on('pageerror', (err) => problems.push(`page error (earlier visit): ${err.message}`));
  async function startDraft(page, name) {
    await page.goto(`${base}/nop/cham-dut-ho-kinh-doanh`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 });
    await page.waitForURL(/\/soan\/[0-9a-f-]{36}\/ho-kinh-doanh$/, { timeout: 10000 });
    const id = new URL(page.url()).pathname.split('/')[2];
    await page.fill('#f-hkd_name', name);
    for (let i = 0; i < 40; i++) {
      if ((await deviceContents(page)).databases.motcua?.drafts?.text.includes(name)) return id;
      await page.waitForTimeout(250);
    }
    throw new Error(`the draft "${name}" was not saved on the device`);
  }
  const leftByOther = await startDraft(earlier, 'Quán nước của khách trước');
  const oldOfY = await startDraft(earlier, 'Bản nháp cũ của chị Y');
  await earlier.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
  // Y's database as the app named it before store keys: the SHA-256 of `citizen:<phone>`, holding a
  // draft of Y's and Y's details (the draft taken out of the anonymous store, as it was kept there).
  const oldName = await earlier.evaluate(async ({ id, phone }) => {
    const req = (r) => new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const done = (tx) => new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`citizen:${phone}`));
    const name = `motcua-p-${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
    const anon = await req(indexedDB.open('motcua'));
    const record = await req(anon.transaction('drafts').objectStore('drafts').get(id));
    const out = anon.transaction('drafts', 'readwrite');
    out.objectStore('drafts').delete(id);
    await done(out);
    anon.close();
    const opening = indexedDB.open(name, 2);
    opening.onupgradeneeded = () => {
      for (const store of ['drafts', 'files', 'profile', 'outbox', 'statuses', 'counter']) opening.result.createObjectStore(store);
    };
    const old = await req(opening);
    const into = old.transaction(['drafts', 'profile'], 'readwrite');
    into.objectStore('drafts').put(record, id);
    into.objectStore('profile').put({ applicant: { name: 'Trần Thị Yến' } }, 'me');
    await done(into);
    old.close();
    return name;
  }, { id: oldOfY, phone: Y_PHONE });
  await earlier.close();

  // ── Officer B on the same tablet: asked about the earlier visit's draft, leaves it ──────────────
  await staffSignIn('can.bo.b', globalThis.temporary['can.bo.b'], 'quầy một cửa số hai');
  const question = tablet.locator('section.left-drafts');
  await question.waitFor({ timeout: 10000 });
  let asked = await question.innerText();
  check(/1 bản nháp được soạn khi chưa đăng nhập/.test(asked) && asked.includes('Quán nước của khách trước'),
    `B is asked about the draft of the earlier visit: ${asked}`);
  check(!asked.includes('Bản nháp cũ của chị Y'), `nothing of Y's old database is offered to B: ${asked}`);
  // By keyboard: from the heading, Tab reaches "move", then "leave"; Enter leaves them.
  await question.locator('h2').focus();
  await tablet.keyboard.press('Tab');
  check((await tablet.evaluate(() => document.activeElement?.textContent)).includes('Chuyển vào tài khoản của tôi'), 'Tab reaches "move"');
  await tablet.keyboard.press('Tab');
  check((await tablet.evaluate(() => document.activeElement?.textContent)).includes('Để lại, không chuyển'), 'Tab reaches "leave"');
  await tablet.keyboard.press('Enter');
  await tablet.waitForSelector('#left-drafts-outcome:has-text("Đã để lại 1 bản nháp trên máy")', { timeout: 5000 });
  check(await question.count() === 0, 'the question is answered');
  const bKey = (await (await tablet.request.get(`${base}/api/v1/session`)).json()).store_key;
  contents = await deviceContents(tablet);
  check(JSON.stringify(contents.databases.motcua?.drafts?.keys ?? []).includes(leftByOther), 'the draft B left stays in the anonymous store');
  check(!JSON.stringify(contents.databases[`motcua-p-${bKey}`]?.drafts?.keys ?? []).includes(leftByOther), 'and is not in B\'s');
  await open('/ho-so');
  await tablet.waitForSelector('text=Chưa có bản nháp nào.', { timeout: 10000 });
  check(!(await tablet.content()).includes(code), 'B does not see A\'s counter receipts');
  let prefill = await newTerminationPrefill();
  check(!prefill.page.includes(X.name) && !prefill.page.includes(X.phone) && prefill.hkd_code === '',
    'a new form of B starts with nothing of X');
  nothingOfX(await deviceContents(tablet), 'with B signed in');
  await open('/can-bo');
  await tablet.click('button:has-text("Đăng xuất")');
  const again = await tablet.locator('.sign-out-unsent').innerText({ timeout: 15000 });
  check(/1 bản nháp chưa nộp/.test(again), `B's own new draft is named: ${again}`);
  await tablet.click('button:has-text("Vẫn đăng xuất và xóa")');
  await tablet.click('button:has-text("Có, xóa và đăng xuất")');
  await tablet.waitForURL(/\/dang-nhap$/, { timeout: 15000 });

  // ── Citizen Y on the same tablet, 360 px wide: asked too, moves the draft into Y's account ──────
  await tablet.setViewportSize({ width: 360, height: 740 });
  await open('/dang-nhap');
  await tablet.fill('#signin-phone', Y_PHONE);
  const yBefore = smsTo(Y_PHONE).length;
  await tablet.click('button[type=submit]:has-text("Gửi mã xác thực")');
  await tablet.waitForSelector('#signin-code', { timeout: 10000 });
  await tablet.fill('#signin-code', await codeTexted(tablet, Y_PHONE, yBefore));
  await tablet.click('button[type=submit]:has-text("Đăng nhập")');
  await tablet.waitForURL(/\/ho-so$/, { timeout: 10000 });
  await question.waitFor({ timeout: 10000 });
  asked = await question.innerText();
  check(asked.includes('Quán nước của khách trước') && !asked.includes('Bản nháp cũ của chị Y'), `Y is asked about the earlier visit's draft only: ${asked}`);
  await tablet.waitForFunction(() => document.activeElement?.id === 'left-drafts-title', null, { timeout: 5000 })
    .catch(() => { throw new Error('the question\'s heading takes the focus when it appears'); });
  const failures = [];
  await auditor(tablet, failures, process.env.SCREENSHOT_DIR ?? 'target/browser')('tablet-left-drafts', '/ho-so (question)');
  check(failures.length === 0, `the question is accessible at 360 px:\n${failures.join('\n')}`);
  await question.locator('h2').focus();
  await tablet.keyboard.press('Tab');
  await tablet.keyboard.press('Enter');
  await tablet.waitForSelector('#left-drafts-outcome:has-text("Đã chuyển 1 bản nháp vào tài khoản của bạn.")', { timeout: 10000 });
  await tablet.waitForSelector(`a[href="/soan/${leftByOther}/ho-kinh-doanh"]`, { timeout: 10000 });
  await tablet.waitForSelector(`a[href="/soan/${oldOfY}/ho-kinh-doanh"]`, { timeout: 10000 });
  const yKey = (await (await tablet.request.get(`${base}/api/v1/session`)).json()).store_key;
  check(/^[0-9a-f]{64}$/.test(yKey), `Y's session carries a store key: ${yKey}`);
  contents = await deviceContents(tablet);
  const yDb = contents.databases[`motcua-p-${yKey}`];
  check(yDb, `Y's database is named from the store key: ${Object.keys(contents.databases)}`);
  check(yDb.drafts.keys.includes(oldOfY) && yDb.profile.text.includes('Trần Thị Yến'),
    `what Y's database named the old way held moved in: ${JSON.stringify(yDb.drafts.keys)} ${yDb.profile.text}`);
  check(!(oldName in contents.databases), `the database named the old way is gone: ${Object.keys(contents.databases)}`);
  check(yDb.drafts.keys.includes(leftByOther), 'the draft Y chose to move is in Y\'s database');
  check(!JSON.stringify(contents.databases.motcua?.drafts?.keys ?? []).includes(leftByOther), 'and no longer in the anonymous store');
  const page = await tablet.content();
  check(!page.includes(code) && !page.includes(X.name), 'Y\'s dossiers show nothing of X');
  prefill = await newTerminationPrefill();
  check(!prefill.page.includes(X.name) && !prefill.page.includes(X.phone) && prefill.hkd_code === '',
    'a new form of Y starts with nothing of X');
  contents = await deviceContents(tablet);
  nothingOfX(contents, 'with Y signed in');
  const names = Object.keys(contents.databases);
  check(names.every((n) => n === 'motcua' || /^motcua-p-[0-9a-f]{64}$/.test(n)) && !names.includes(oldName),
    `database names show no personal data: ${names}`);
  check(!JSON.stringify(contents.localStorage).includes(Y_PHONE), 'localStorage names nobody');

  check(problems.length === 0, problems.join('\n'));
  console.log('tablet test passed');
} finally {
  await browser.close();
}
