// A citizen registers a household business on a 360 px phone: every step of the form, the business-line
// picker without accents, the capital in words, a photo compressed on the phone, an autosaved draft that
// survives a reload, "Nộp hồ sơ" pressed twice while offline, the dossier sent once when the network
// returns, the receipt kept, and the next form prefilled ("tell us once").
// Prints `dossier code: …` and `draft id: …` for the Rust test, which then counts the dossiers stored.
import { chromium } from 'playwright-core';

import { signInByApi } from './signin.mjs';

const base = process.env.MOTCUA_URL;
const shots = process.env.SCREENSHOT_DIR;
if (!base) throw new Error('MOTCUA_URL is not set');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
const page = await context.newPage();
const problems = [];
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => {
  if (m.type() === 'error' && !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(m.text())) {
    problems.push(`console error: ${m.text()}`);
  }
});

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function next(expectUrl) {
  await page.click('button[type=submit]:has-text("Tiếp tục")');
  await page.waitForURL(expectUrl, { timeout: 10000 });
}

async function shot(name) {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

try {
  // Submitting needs a signed-in person (issue 16): the owner signs in with the phone the form gives.
  await signInByApi(page.request, base, '0912345678');
  await page.goto(`${base}/thu-tuc/dang-ky-ho-kinh-doanh`);
  await page.waitForSelector('html[data-hydrated]');
  await page.click('text=Nộp hồ sơ trực tuyến');
  await page.waitForURL(/\/soan\/[0-9a-f-]{36}\/noi-nop$/, { timeout: 10000 });
  const draftId = page.url().split('/')[4];

  // An empty step is refused with a summary that names the field and links to it.
  await page.click('button[type=submit]:has-text("Tiếp tục")');
  const summary = page.locator('#error-summary');
  await summary.waitFor();
  check((await summary.innerText()).includes('Cơ quan đăng ký kinh doanh cấp xã'), 'the summary names the field');
  check(await page.locator('#error-summary a[href="#f-office"]').count() === 1, 'the summary links to the field');

  const office = await page.locator('#f-office option').nth(1).getAttribute('value');
  await page.selectOption('#f-office', office);
  await next(/\/chu-ho$/);

  await page.fill('#f-owner-full_name', 'Nguyễn Thị Ba');
  await page.fill('#f-owner-birth_date', '02/03/1985');
  await page.check('#f-owner-gender-1');
  await page.fill('#f-owner-id', '051185012345');
  await page.fill('#f-owner-phone', '0912345678');
  // The draft is on the phone: a reload keeps every answer.
  await page.locator('.save-status', { hasText: 'Đã lưu trên máy' }).waitFor();
  await page.waitForTimeout(600);
  await page.reload();
  await page.waitForSelector('#f-owner-id');
  check(await page.inputValue('#f-owner-id') === '051185012345', 'the answer survived the reload');
  await next(/\/ten$/);

  await page.fill('#f-name-vietnamese', 'Hộ kinh doanh Bánh mì Cô Ba');
  await next(/\/tru-so$/);

  await page.fill('#f-seat-address-street', '12 Lê Lợi');
  await page.selectOption('#f-seat-address-commune', office);
  await next(/\/nganh-nghe$/);

  // "ban le" without accents finds "Bán lẻ"; the first level-4 line picked becomes the main line.
  await page.fill('#f-business_lines-search', 'ban le luong thuc');
  const first = page.locator('#f-business_lines-search-results .picker-item').first();
  await first.waitFor();
  check((await first.innerText()).includes('Bán lẻ'), 'accent-insensitive search finds Bán lẻ');
  await first.click();
  check(await page.isChecked('#f-business_lines-0-main'), 'the first level-4 line is the main line');
  await next(/\/von$/);

  await page.fill('#f-capital', '150000000');
  await page.locator('#f-capital').blur();
  await page.locator('.amount-words', { hasText: 'Một trăm năm mươi triệu đồng' }).waitFor();
  check(await page.inputValue('#f-capital') === '150.000.000', 'the capital is grouped with dots');
  await next(/\/thue$/);
  await next(/\/chu-the$/);

  await page.check('#f-founder-0');
  await next(/\/giay-to$/);

  // A 3000×2000 photo becomes an upright JPEG of at most 2000 px and about 400 KB, kept with the draft.
  const png = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 3000;
    canvas.height = 2000;
    const g = canvas.getContext('2d');
    for (let i = 0; i < 4000; i++) {
      g.fillStyle = `hsl(${(i * 37) % 360} 70% 50%)`;
      g.fillRect((i * 131) % 3000, (i * 71) % 2000, 60 + (i % 90), 40 + (i % 70));
    }
    // A different photo every run: uploads are content-addressed, and this one must really be sent.
    g.fillStyle = `rgb(${Math.floor(Math.random() * 256)} ${Math.floor(Math.random() * 256)} 0)`;
    g.fillRect(0, 0, 400, 400);
    const blob = await new Promise((r) => canvas.toBlob(r, 'image/png'));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  });
  await page.setInputFiles('#att-other-file', {
    name: 'giay-to.png',
    mimeType: 'image/png',
    buffer: Buffer.from(png, 'base64'),
  });
  await page.locator('.file-item img.file-thumb').waitFor({ timeout: 20000 });
  const fileName = await page.locator('.file-item .file-name').innerText();
  check(fileName.endsWith('.jpg'), `the photo became a JPEG (${fileName})`);
  const sizeText = await page.locator('.file-item .file-size').innerText();
  const kb = Number.parseFloat(sizeText.replace(',', '.'));
  check(sizeText.endsWith('KB') && kb <= 420, `the photo is about 400 KB or less (${sizeText})`);
  await next(/\/cam-ket$/);

  for (const box of await page.locator('input[type=checkbox][id^="f-commitments-"]').all()) {
    await box.check();
  }
  await next(/\/kiem-tra$/);
  await shot('citizen-check');
  check((await page.locator('main').innerText()).includes('Một trăm năm mươi triệu đồng'), 'the check page shows the capital in words');
  check(await page.inputValue('#applicant-phone') === '0912345678', 'the applicant phone is prefilled');

  // Offline: the network goes away and "Nộp hồ sơ" is pressed twice.
  await context.setOffline(true);
  const submit = page.locator('button[type=submit]:has-text("Nộp hồ sơ")');
  await submit.dblclick();
  await page.waitForURL(/\/ho-so\/[0-9a-f-]{36}$/, { timeout: 10000 });
  await page.locator('text=Đang chờ gửi').first().waitFor({ timeout: 10000 });
  await shot('citizen-waiting');

  // Back online, with the connection dropped once during the last chunk of the photo's upload: the
  // outbox retries by itself, resumes from what the server holds, and the receipt appears.
  const puts = [];
  let dropped = null;
  await page.route('**/api/v1/uploads/**', async (route) => {
    const request = route.request();
    const range = request.headers()['content-range'];
    if (request.method() === 'PUT' && range) {
      const [, start, end, total] = /bytes (\d+)-(\d+)\/(\d+)/.exec(range).map(Number);
      puts.push(start);
      if (!dropped && end + 1 === total) {
        dropped = start;
        return route.abort('connectionreset');
      }
    }
    return route.continue();
  });
  await context.setOffline(false);
  const code = await page.locator('.dossier-code').innerText({ timeout: 30000 });
  check(/^\d{5}-\d{6}-\d{4}$/.test(code), `a dossier code (${code})`);
  await page.locator('.lookup-result').waitFor({ timeout: 15000 });
  await shot('citizen-receipt');
  check(dropped !== null, 'the upload went through the dropped connection');
  const after = puts.slice(puts.indexOf(dropped) + 1);
  check(after.length > 0 && after[0] === dropped, `the retry resumed at byte ${dropped}, not from the start (${puts.join(', ')})`);
  await page.unroute('**/api/v1/uploads/**');
  console.log(`upload chunks started at bytes: ${puts.join(', ')} (dropped once at ${dropped})`);

  // The receipt stays readable offline: the list is read from the phone, not the server.
  await context.setOffline(true);
  await page.click('nav.site-nav a');
  await page.locator('.dossier-state', { hasText: code }).waitFor({ timeout: 15000 });
  await context.setOffline(false);

  // Tell us once: the next registration starts with the owner's details.
  await page.goto(`${base}/nop/dang-ky-ho-kinh-doanh`);
  await page.waitForURL(/\/noi-nop$/, { timeout: 10000 });
  const second = page.url().replace(/\/noi-nop$/, '/chu-ho');
  await page.goto(second);
  await page.waitForSelector('#f-owner-full_name');
  check(await page.inputValue('#f-owner-full_name') === 'Nguyễn Thị Ba', 'the owner is prefilled');

  check(problems.length === 0, problems.join('\n'));
  console.log(`dossier code: ${code}`);
  console.log(`draft id: ${draftId}`);
  console.log('citizen test passed');
} catch (e) {
  console.error(`FAILED at ${page.url()}: ${e.message}\n${problems.join('\n')}`);
  await shot('citizen-failure').catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}
