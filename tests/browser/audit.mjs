// The page audit shared by the browser tests: axe-core (from node_modules, no CDN) must find nothing of
// serious or critical impact, and at 360 px nothing may scroll sideways, with text at 100 % and at 200 %.
// Findings are pushed to `failures`; screenshots go to `shots` as `a11y-{name}-360.png` and
// `a11y-{name}-text200.png`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** An `audit(name, path)` function for `page` that records what fails in `failures`. */
export function auditor(page, failures, shots) {
  return async function audit(name, path) {
    // axe-core, evaluated through the DevTools protocol (the page's CSP allows no injected script).
    await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ')}`),
      }));
    });
    for (const v of violations) {
      const line = `${path}: [${v.impact}] ${v.id} — ${v.help}\n    ${v.nodes.join('\n    ')}`;
      if (v.impact === 'serious' || v.impact === 'critical') failures.push(`axe ${line}`);
      else console.log(`axe (${v.impact}, not failing) ${line}`);
    }

    // 360 px: nothing scrolls sideways.
    const overflow = () => page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const wide = [...document.body.querySelectorAll('*')]
        .filter((e) => {
          const r = e.getBoundingClientRect();
          return r.width > 0 && r.right > width + 1 && getComputedStyle(e).position !== 'fixed';
        })
        .slice(0, 5)
        .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}"> right edge ${Math.round(e.getBoundingClientRect().right)} px`);
      return { scroll: document.documentElement.scrollWidth, width, wide };
    });
    const at360 = await overflow();
    if (at360.scroll > at360.width || at360.wide.length > 0) {
      failures.push(`${path} at 360 px scrolls sideways (${at360.scroll} > ${at360.width} px): ${at360.wide.join('; ')}`);
    }
    await page.screenshot({ path: join(shots, `a11y-${name}-360.png`), fullPage: true });

    // Text at 200 % (every size is in rem), still 360 px wide.
    await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const at200 = await overflow();
    if (at200.scroll > at200.width || at200.wide.length > 0) {
      failures.push(`${path} with text at 200 % overflows (${at200.scroll} > ${at200.width} px): ${at200.wide.join('; ')}`);
    }
    await page.screenshot({ path: join(shots, `a11y-${name}-text200.png`), fullPage: true });
    await page.evaluate(() => { document.documentElement.style.fontSize = ''; });
    console.log(`${path}: ${violations.length} axe finding(s); widths ${at360.scroll}/${at360.width} px, at 200 % text ${at200.scroll}/${at200.width} px`);
  };
}
