// motcua's service worker: the app opens with no signal, and a new version waits until the reader says so.
//
// This file is a template. `cargo xtask build` writes dist/sw.js from it, replacing the BUILD placeholder
// with the build's version (a hash of every precached file) and its list of files, so no list is kept by
// hand and any change to a file gives a new worker. Design: docs/ARCHITECTURE.md, "The offline layer".
//
// - Registered by either WASM bundle once the page is interactive, so its install is the background part
//   of a first visit. Precached in one cache per version, in two parts so that a first visit of the home
//   page stays light (the page-weight budget counts every file of it):
//   * at install, the core: the public pages' small bundle, CSS, icons, manifest, data files, and the
//     home page as the server renders it;
//   * the app, when a page asks for it (`PRECACHE_APP`, posted to the newest worker: the reader opened a
//     procedure page or a page of the full app, came back to the home page, or uses the installed app), or
//     at install or activation when the previous version had it: the full app's bundle and an "app shell", a page of the full app with an
//     empty body, on which the full app renders any route on the phone — forms and drafts with no signal.
// - Pages (navigations): network first with a short timeout; a page that came back is kept for offline
//   use (at most MAX_KEPT_PAGES, the oldest dropped first), unless it may hold personal data (a query
//   string, /tra-cuu/…, or `Cache-Control: no-store`/`private`, which also drops a copy kept before);
//   offline: the kept page for that URL, else the app shell, else (the app not yet precached) a page
//   that says so.
// - Built files: from the cache, else the network.
// - /api/…: never cached (personal data); a navigation to it gets the navigation preload's response, so
//   the server sees one request, not two. Other methods than GET: never touched.
// - Update: a new worker installs and waits; the page shows "Đã có phiên bản mới — Cập nhật", which
//   posts SKIP_WAITING; on activation old caches are deleted and the page reloads.

/* global self, caches, fetch, Request, Response, URL */
'use strict';

const BUILD = /* MOTCUA_BUILD */ null;

const PREFIX = 'motcua-';
const CACHE = BUILD ? `${PREFIX}${BUILD.version}` : `${PREFIX}unbuilt`;
// The key of the app shell in the cache; no request ever has this path.
const SHELL = '/__motcua-app-shell';
// A page that has not come back by then is served from the cache (a weak signal must not leave the reader
// staring at a blank screen); the late answer still refreshes the cache.
const PAGE_TIMEOUT_MS = 3000;
const PRECACHED = new Set(BUILD ? [...BUILD.core, ...BUILD.app] : []);
// A page of the full app, rendered by the server with the full bundle's template: its empty-bodied copy
// is the app shell. It holds no personal data (the reader's dossiers come from the phone's IndexedDB).
const SHELL_SOURCE = '/ho-so';
// Pages kept for offline use besides the home page and the shell; the oldest goes first.
const MAX_KEPT_PAGES = 30;

self.addEventListener('install', (event) => {
  event.waitUntil(install());
});

async function install() {
  if (!BUILD) {
    // Failing the install keeps any working worker in place.
    throw new Error('sw.js is the unbuilt template: build the app with `cargo xtask build`');
  }
  const cache = await caches.open(CACHE);
  // Hashed files come from the HTTP cache when the page has just loaded them; the rest are revalidated.
  await cache.addAll(BUILD.core);
  const home = await fetch('/', { credentials: 'same-origin', cache: 'no-cache' });
  if (!home.ok) throw new Error(`GET / answered ${home.status}`);
  await cache.put('/', home);
  // A phone that could open forms offline with the previous version can with this one too.
  if (await appKeptBefore()) await precacheApp();
}

async function appKeptBefore() {
  for (const name of await caches.keys()) {
    if (name.startsWith(PREFIX) && name !== CACHE && await (await caches.open(name)).match(SHELL)) return true;
  }
  return false;
}

// Whether a newer version of the worker is installing or waiting: it precaches the app for itself (the
// pages post to it), and this version's files may be gone from the server.
function superseded() {
  const me = self.serviceWorker;
  const { installing, waiting } = self.registration;
  return !!me && [installing, waiting].some((worker) => worker && worker !== me);
}

// The full app and its shell, once per version (the shell goes in last: its presence means the app is
// all there). Several pages may ask at once; they share one download.
let appDownload = null;
function precacheApp() {
  if (!appDownload) {
    appDownload = (async () => {
      const cache = await caches.open(CACHE);
      if (await cache.match(SHELL)) return;
      await cache.addAll(BUILD.app);
      const full = await fetch(SHELL_SOURCE, { credentials: 'same-origin', cache: 'no-cache' });
      if (!full.ok) throw new Error(`GET ${SHELL_SOURCE} answered ${full.status}`);
      // The shell must load this version's full bundle: a server already on a newer version would give
      // a shell whose files are not in this cache (the newer worker precaches its own).
      const shell = await appShell(full, BUILD.app.find((path) => path.endsWith('.js')));
      await cache.put(SHELL, shell);
    })();
    // A failed download (the signal went) is tried again at the next request.
    appDownload.catch(() => { appDownload = null; });
  }
  return appDownload;
}

// The home page with an empty <body>: the app sees no server-rendered page and renders the route itself.
async function appShell(page, script) {
  const html = await page.text();
  if (script && !html.includes(script)) throw new Error(`${SHELL_SOURCE} does not load ${script}: another version`);
  const empty = html.replace(/(<body[^>]*>)[\s\S]*(<\/body>)/i, '$1$2');
  if (empty === html && !/<body[^>]*><\/body>/i.test(html)) throw new Error('the home page has no <body>');
  const headers = new Headers();
  for (const name of ['content-type', 'content-security-policy', 'referrer-policy', 'x-content-type-options']) {
    const value = page.headers.get(name);
    if (value) headers.set(name, value);
  }
  return new Response(empty, { status: 200, headers });
}

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    // The previous version may have got the full app after this one installed (a page asked it).
    const hadApp = await appKeptBefore();
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    // In the background, not holding up activation (pages ask again anyway).
    if (hadApp) precacheApp().catch(() => undefined);
    if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
    // The first visit's page is controlled at once, so it works offline without a reload.
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const type = typeof event.data === 'string' ? event.data : event.data?.type;
  if (type === 'SKIP_WAITING') {
    self.skipWaiting();
  } else if (type === 'PRECACHE_APP' && BUILD && !superseded()) {
    event.waitUntil(precacheApp().catch(() => undefined));
  }
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Personal data: straight to the network, never cached. A navigation to the API (the VNeID sign-in's
  // start and callback, a PDF) is answered with the navigation preload's response: falling through would
  // make the browser ask again, and a sign-in callback works only once.
  if (url.pathname.startsWith('/api/')) {
    if (request.mode === 'navigate') {
      event.respondWith((async () => (await event.preloadResponse) || fetch(request))());
    }
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith(page(event, url));
  } else if (PRECACHED.has(url.pathname)) {
    event.respondWith(builtFile(request));
  }
  // Anything else (health checks, metrics) goes to the network as if there were no worker.
});

// A page: network first; the cached page or the app shell when the network fails or is too slow.
async function page(event, url) {
  const cache = await caches.open(CACHE);
  const keep = mayKeep(url);
  const network = (async () => {
    const response = (await event.preloadResponse) || (await fetch(event.request));
    if (keep && response.ok && !response.redirected && !noStore(response)) {
      // Stored in the background: the reader gets the page as it streams in.
      event.waitUntil(cache.put(url.pathname, response.clone()).then(() => trim(cache)));
    } else if (noStore(response) && url.pathname !== '/') {
      // The page may now carry personal data: no copy of it stays on the phone.
      event.waitUntil(cache.delete(url.pathname));
    }
    return response;
  })();
  // Let a late answer refresh the cache even after the reader got the cached page.
  event.waitUntil(network.catch(() => undefined));
  try {
    return await withTimeout(network, PAGE_TIMEOUT_MS);
  } catch {
    const cached = (keep && (await cache.match(url.pathname, { ignoreVary: true })))
      || (await cache.match(SHELL));
    if (cached) return cached;
    // Nothing kept: the network after all, or, when it has failed, a page that says what to do.
    return network.catch(() => offlinePage());
  }
}

// What an offline reader sees for a page this phone has not kept, before the full app is precached:
// in both languages (the worker cannot read the reader's choice), styled by the precached CSS.
function offlinePage() {
  const css = BUILD ? BUILD.core.find((path) => path.endsWith('.css')) : null;
  const html = `<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Không có kết nối mạng — Một cửa Quảng Ngãi</title>
${css ? `<link rel="stylesheet" href="${css}">` : ''}
</head>
<body>
<header class="site-header"><a class="brand" href="/"><span class="brand-mark" aria-hidden="true">MC</span><span class="brand-text"><span class="brand-name">Một cửa Quảng Ngãi</span></span></a></header>
<main id="main" class="offline-page">
<h1>Không có kết nối mạng</h1>
<p>Trang này chưa được lưu trên máy nên chưa mở được khi không có mạng. Khi có mạng trở lại, hãy mở lại trang.</p>
<p>Sau khi bạn mở một trang thủ tục lúc có mạng, ứng dụng tự tải về máy để soạn và nộp hồ sơ cả khi không có mạng.</p>
<p><a href="/">Về trang chủ</a></p>
<div lang="en">
<h2>No connection</h2>
<p>This page is not saved on this phone yet, so it cannot open without a connection. Open it again when you are back online. Once you have opened a procedure page online, the app saves itself on the phone for filling and sending forms offline.</p>
<p><a href="/">Go to the home page</a></p>
</div>
</main>
</body>
</html>`;
  return new Response(html, {
    status: 503,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  });
}

// Pages that may carry personal data are never kept: look-up results (a query string or
// /tra-cuu/{code}) and anything the server marks `Cache-Control: no-store`.
function mayKeep(url) {
  return url.search === '' && !url.pathname.startsWith('/tra-cuu/');
}

// Drops the oldest kept pages beyond MAX_KEPT_PAGES. A cache lists its entries in the order they were
// last put, so a page visited again moves to the end.
async function trim(cache) {
  const pages = (await cache.keys())
    .map((request) => new URL(request.url).pathname)
    .filter((path) => path !== '/' && path !== SHELL && !PRECACHED.has(path));
  for (const path of pages.slice(0, Math.max(0, pages.length - MAX_KEPT_PAGES))) {
    await cache.delete(path);
  }
}

function noStore(response) {
  return /no-store|private/i.test(response.headers.get('cache-control') ?? '');
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); },
    );
  });
}

// A built file: hashed names never change, and the others belong to this version.
async function builtFile(request) {
  const cache = await caches.open(CACHE);
  return (await cache.match(request, { ignoreVary: true })) || fetch(request);
}

// Notifications (Web Push). The server encrypts for this browser a JSON message — title, body, the
// dossier's code as tag, the page to open — whenever a dossier of the phone changes state
// (server/src/notify). One notification per dossier: a newer one replaces the older (same tag).
self.addEventListener('push', (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = { body: event.data ? event.data.text() : '' };
  }
  const title = message.title || 'Một cửa Quảng Ngãi';
  event.waitUntil(self.registration.showNotification(title, {
    body: message.body || 'Hồ sơ của bạn có thông báo mới.',
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    tag: message.tag || message.code || 'motcua',
    renotify: true,
    lang: 'vi',
    data: { url: safePath(message.url) },
  }));
});

// A tap opens the dossier's page: an open tab of the app is focused and sent there, else a new one.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL(safePath(event.notification.data?.url), self.location.origin).href;
  event.waitUntil((async () => {
    const tabs = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const tab of tabs) {
      if (new URL(tab.url).origin !== self.location.origin) continue;
      await tab.focus();
      if (tab.url !== target && 'navigate' in tab) await tab.navigate(target);
      return;
    }
    await self.clients.openWindow(target);
  })());
});

// Only a path of this site is ever opened (the dossier pages), whatever a message says.
function safePath(url) {
  return typeof url === 'string' && url.startsWith('/ho-so/') && !url.startsWith('//') ? url : '/ho-so';
}
