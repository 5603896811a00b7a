// A real OpenID Provider for the end-to-end tests: oidc-provider (a certified OP) shaped like
// Microsoft Entra ID. Its issuer carries the directory id in the path, as Entra's v2.0
// issuer does (`https://login.microsoftonline.com/{tid}/v2.0`), so Parley reaches it with
// PARLEY_ENTRA_AUTHORITY=http://127.0.0.1:$OP_PORT; its ID tokens carry Entra's claims
// (tid, oid, preferred_username, roles, groups).
//
// Two clients: `parley-e2e`, the organisations' (tenant) SSO connections, with the callbacks
// `$PARLEY_URL/t/<slug>/sso/callback`; and `parley-platform-e2e`, the operator's platform SSO
// connection (PARLEY_PLATFORM_SSO_*), with the callback `$PARLEY_URL/sso/callback`.
//
// People sign in on oidc-provider's development pages ("devInteractions": a login and a
// password field, any password works); the login name is the account:
//   admin…    → roles ["Parley.Admin"]            user… → roles ["Parley.User"]
//   operator… → roles ["Parley.PlatformAdmin"]    (the platform's super-admin role, see
//                                                  OP_PLATFORM_ADMIN_ROLE)
//   else      → no roles
// e-mail is `<login>@contoso.test` unless the login already has an '@'. Consent is granted
// up front, as an Entra tenant admin does for an enterprise app, so no consent page shows.
//
// Environment:
//   OP_PORT            port on 127.0.0.1 (required)
//   OP_TENANT_ID       directory id, a GUID (default 11111111-2222-3333-4444-555555555555)
//   OP_CLIENT_SECRET   the secret of client `parley-e2e` (required)
//   OP_PLATFORM_CLIENT_ID      the platform client's id (default parley-platform-e2e)
//   OP_PLATFORM_CLIENT_SECRET
//                      the secret of the platform client; without it that client is not
//                      registered
//   OP_PLATFORM_ADMIN_ROLE
//                      the role `operator…` logins hold (default Parley.PlatformAdmin)
//   PARLEY_URL         Parley's public URL, for the redirect URIs (required)
//   OP_TENANT_SLUGS    optional comma-separated organisation slugs to register besides `acme`;
//                      any `$PARLEY_URL/t/<slug>/sso/callback` is accepted anyway (see below),
//                      since the specs make a fresh organisation per run.
//
// Prints `oidc-provider ready on <issuer>` once it listens; stops on SIGTERM/SIGINT.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const need = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`op.mjs: ${name} is required`);
    process.exit(2);
  }
  return value;
};

const port = Number(need('OP_PORT'));
const tenantId = (process.env.OP_TENANT_ID || '11111111-2222-3333-4444-555555555555').toLowerCase();
const clientSecret = need('OP_CLIENT_SECRET');
const parleyUrl = need('PARLEY_URL').replace(/\/+$/, '');
const slugs = ['acme', ...(process.env.OP_TENANT_SLUGS || '').split(',').map((s) => s.trim()).filter(Boolean)];

const platformClientSecret = process.env.OP_PLATFORM_CLIENT_SECRET || '';

const CLIENT_ID = 'parley-e2e';
const PLATFORM_CLIENT_ID = process.env.OP_PLATFORM_CLIENT_ID || 'parley-platform-e2e';
const PLATFORM_ADMIN_ROLE = process.env.OP_PLATFORM_ADMIN_ROLE || 'Parley.PlatformAdmin';
const mountPath = `/${tenantId}/v2.0`;
const issuer = `http://127.0.0.1:${port}${mountPath}`;
const callbackPattern = new RegExp(`^${parleyUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/t/[a-z0-9-]+/sso/callback$`);

// One RS256 signing key per start (Entra publishes RSA keys only).
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: `e2e-${randomBytes(6).toString('hex')}`, use: 'sig', alg: 'RS256' };

/** A stable UUID from the login name, like Entra's object id. */
function objectId(login) {
  const h = createHash('sha256').update(`oid:${login}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** "admin.alice+run-1@x" → "Admin Alice". */
function displayName(login) {
  const local = login.split('@')[0].split('+')[0];
  const words = local.split(/[._-]+/).filter(Boolean);
  return words.map((w) => w[0].toUpperCase() + w.slice(1)).join(' ') || login;
}

function rolesOf(login) {
  const l = login.toLowerCase();
  if (l.startsWith('admin')) return ['Parley.Admin'];
  if (l.startsWith('user')) return ['Parley.User'];
  if (l.startsWith('operator')) return [PLATFORM_ADMIN_ROLE];
  return [];
}

async function findAccount(_ctx, id) {
  if (!id) return undefined;
  const address = id.includes('@') ? id : `${id}@contoso.test`;
  return {
    accountId: id,
    async claims() {
      return {
        sub: id,
        ver: '2.0',
        tid: tenantId,
        oid: objectId(id),
        preferred_username: address,
        email: address,
        name: displayName(id),
        roles: rolesOf(id),
        groups: [],
      };
    },
  };
}

/** A confidential web client as Entra registers one, with its redirect URIs. */
const webClient = (clientId, secret, name, redirectUris) => ({
  client_id: clientId,
  client_secret: secret,
  client_name: name,
  redirect_uris: redirectUris,
  post_logout_redirect_uris: [`${parleyUrl}/login?signed_out=1`],
  response_types: ['code'],
  grant_types: ['authorization_code'],
  token_endpoint_auth_method: 'client_secret_basic',
  id_token_signed_response_alg: 'RS256',
});

const clients = [
  webClient(CLIENT_ID, clientSecret, 'Parley organisations (end-to-end tests)', slugs.map((s) => `${parleyUrl}/t/${s}/sso/callback`)),
];
if (platformClientSecret) {
  clients.push(webClient(PLATFORM_CLIENT_ID, platformClientSecret, 'Parley platform (end-to-end tests)', [`${parleyUrl}/sso/callback`]));
}

const provider = new Provider(issuer, {
  clients,
  findAccount,
  // Entra's claims ride in the ID token whatever the scope asked for: tid, oid, roles and
  // groups under `openid`; and with conformIdTokenClaims off, profile/email claims go into
  // the ID token too, not only to userinfo.
  claims: {
    openid: ['sub', 'ver', 'tid', 'oid', 'roles', 'groups'],
    profile: ['name', 'preferred_username'],
    email: ['email'],
  },
  scopes: ['openid', 'profile', 'email'],
  conformIdTokenClaims: false,
  responseTypes: ['code'],
  pkce: { required: () => true }, // oidc-provider v9 supports S256 only
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  // Admin consent: a new grant for everything the client asks, without a consent page.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email');
    await grant.save();
    return grant;
  },
  jwks: { keys: [signingKey] },
  cookies: {
    // Parley runs on the same host (another port), and cookies ignore ports: distinct names.
    names: { session: 'op_session', interaction: 'op_interaction', resume: 'op_interaction_resume' },
    keys: [randomBytes(32).toString('hex')],
  },
});

// Parley may register any organisation's callback: the specs create one per run.
const allowRedirect = provider.Client.prototype.redirectUriAllowed;
provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value) {
  return allowRedirect.call(this, value) || (this.clientId === CLIENT_ID && callbackPattern.test(value));
};

provider.on('server_error', (_ctx, err) => console.error('op server_error:', err));
provider.on('grant.error', (_ctx, err) => console.error('op grant.error:', err.message, err.error_description ?? ''));
provider.on('authorization.error', (_ctx, err) => console.error('op authorization.error:', err.message, err.error_description ?? ''));
provider.on('end_session.error', (_ctx, err) => console.error('op end_session.error:', err.message, err.error_description ?? ''));

// Mounted under the issuer's path, as express's `app.use(path, provider.callback())` does:
// oidc-provider derives its URLs from originalUrl minus url.
const callback = provider.callback();
const server = http.createServer((req, res) => {
  if (req.url === mountPath || req.url.startsWith(`${mountPath}/`) || req.url.startsWith(`${mountPath}?`)) {
    req.originalUrl = req.url;
    req.url = req.url.slice(mountPath.length) || '/';
    if (req.url.startsWith('?')) req.url = `/${req.url}`;
    callback(req, res);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end(`not found; the issuer is ${issuer}\n`);
});

server.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider ready on ${issuer}; clients: ${clients.map((c) => c.client_id).join(', ')}`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
