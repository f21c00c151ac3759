// A real OpenID provider for motcua's tests and for development of sign-in with the national
// e-identity (VNeID): the certified `oidc-provider` package, with test citizens and a login page that
// asks for no password (it is a test identity provider: never expose it).
//
//   node tests/oidc/provider.mjs --port 9400 \
//     --redirect-uri http://127.0.0.1:8080/api/v1/auth/vneid/callback \
//     [--client-id motcua] [--client-secret motcua-dev-secret] [--accounts accounts.json]
//     [--kid test-1]
//
// It listens on 127.0.0.1:<port> and prints `issuer: http://127.0.0.1:<port>` on stdout when ready.
// Test citizens come from --accounts (a JSON file), else the OIDC_TEST_ACCOUNTS environment variable
// (the same JSON as text), else the built-in ones below: an array of
//   { "id", "identity_number", "name", "birthdate", "gender", "address", "acr",
//     "phone_number"?, "phone_number_verified"? }
// The login page (/interaction/<uid>) is a form posting `account` (an id); a test can drive it.
// Each start makes a new RS256 signing key, published under --kid (`test-1` by default): a test rotates
// the keys by starting the provider again on the same port with another kid.

import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'client-id': { type: 'string', default: 'motcua' },
    'client-secret': { type: 'string', default: 'motcua-dev-secret' },
    accounts: { type: 'string' },
    kid: { type: 'string', default: 'test-1' },
  },
});

function fail(message) {
  process.stderr.write(`provider.mjs: ${message}\n`);
  process.exit(2);
}

const port = Number(args.port);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  fail('--port <1-65535> is required (the caller chooses the port)');
}
const redirectUris = args['redirect-uri'] ?? [];
if (redirectUris.length === 0) {
  fail("--redirect-uri <motcua's /api/v1/auth/vneid/callback URL> is required");
}

const BUILT_IN = [
  {
    id: 'nguyen-van-an',
    identity_number: '051090000145',
    name: 'Nguyễn Văn An',
    birthdate: '1990-05-17',
    gender: 'male',
    address: 'Thôn Phú Lộc, xã Tịnh Khê, tỉnh Quảng Ngãi',
    acr: '2',
  },
  {
    id: 'tran-thi-binh',
    identity_number: '051185001234',
    name: 'Trần Thị Bình',
    birthdate: '1985-11-02',
    gender: 'female',
    address: 'Tổ 3, phường Nghĩa Lộ, tỉnh Quảng Ngãi',
    acr: '2',
    phone_number: '+84912345678',
    phone_number_verified: true,
  },
  {
    id: 'le-van-cuong',
    identity_number: '051200009876',
    name: 'Lê Văn Cường',
    birthdate: '2000-01-31',
    gender: 'male',
    address: 'Thôn 2, xã Sơn Hà, tỉnh Quảng Ngãi',
    acr: '1',
  },
];

function loadAccounts() {
  let text;
  if (args.accounts) {
    text = readFileSync(args.accounts, 'utf8');
  } else if (process.env.OIDC_TEST_ACCOUNTS) {
    text = process.env.OIDC_TEST_ACCOUNTS;
  } else {
    return BUILT_IN;
  }
  const list = JSON.parse(text);
  if (!Array.isArray(list) || list.some((a) => typeof a?.id !== 'string')) {
    fail('the accounts must be a JSON array of objects with an "id"');
  }
  return list;
}

const accounts = new Map(loadAccounts().map((a) => [a.id, a]));
const issuer = `http://127.0.0.1:${port}`;
const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: args['client-id'],
      client_secret: args['client-secret'],
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      // The ID token states the assurance level even when motcua asks for no minimum.
      default_acr_values: ['1', '2', '3'],
    },
  ],
  jwks: { keys: [{ ...signingKey, use: 'sig', alg: 'RS256', kid: args.kid }] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  acrValues: ['1', '2', '3'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'birthdate', 'gender', 'identity_number'],
    address: ['address'],
    phone: ['phone_number', 'phone_number_verified'],
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = accounts.get(id);
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        const claims = {
          sub: id,
          name: account.name,
          birthdate: account.birthdate,
          gender: account.gender,
          identity_number: account.identity_number,
          address: account.address === undefined ? undefined : { formatted: account.address },
        };
        if (account.phone_number !== undefined) {
          claims.phone_number = account.phone_number;
          claims.phone_number_verified = account.phone_number_verified === true;
        }
        return claims;
      },
    };
  },
  // A test provider for one first-party client: no consent screen.
  async loadExistingGrant(ctx) {
    const grantId =
      ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid profile address phone');
    await grant.save();
    ctx.oidc.session.ensureClientContainer(ctx.oidc.client.clientId);
    ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId, grant.jti);
    return grant;
  },
});

function escape(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid) {
  const choices = [...accounts.values()]
    .map(
      (a) =>
        `<li><button type="submit" name="account" value="${escape(a.id)}">${escape(a.name)} (${escape(a.id)}, acr ${escape(a.acr ?? '-')})</button></li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Nhà cung cấp định danh thử nghiệm</title></head>
<body><main>
<h1>Nhà cung cấp định danh thử nghiệm (không phải VNeID thật)</h1>
<form method="post" action="/interaction/${escape(uid)}/login">
<p>Chọn một công dân thử nghiệm, hoặc nhập mã tài khoản:</p>
<ul>${choices}</ul>
<label for="account">Mã tài khoản thử nghiệm</label>
<input id="account" name="account" autocomplete="off">
<button type="submit">Đăng nhập</button>
</form>
<form method="post" action="/interaction/${escape(uid)}/abort"><button type="submit">Huỷ</button></form>
</main></body></html>`;
}

async function formBody(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

const callback = provider.callback();

const server = createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  const match = url.pathname.match(/^\/interaction\/([^/]+)(\/login|\/abort)?$/);
  if (!match) {
    callback(req, res);
    return;
  }
  try {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== match[1]) throw new Error('interaction mismatch');
    if (!match[2] && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(loginPage(details.uid));
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    if (match[2] === '/abort') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'the citizen cancelled' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const form = await formBody(req);
    const account = accounts.get(form.get('account') ?? '');
    if (!account) {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><p>Không có tài khoản thử nghiệm này.</p>${loginPage(details.uid)}`);
      return;
    }
    const login = { accountId: account.id };
    if (account.acr !== undefined) login.acr = String(account.acr);
    await provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
  } catch (err) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`interaction failed: ${err.message}`);
  }
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`issuer: ${issuer}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
