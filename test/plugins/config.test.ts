import t from 'tap'
import { ConfigError, loadConfig, networksOf } from '../../plugins/config.js'

t.test('defaults', async t => {
  t.same(loadConfig({}),
    { PORT: 3000, HOST: '127.0.0.1', LOG_LEVEL: 'info', RATE_LIMIT_MAX: 60, TRUST_PROXY: false, SHUTDOWN_DRAIN_MS: 3000, MAX_EVENT_LOOP_DELAY_MS: 1000 })
})

t.test('values are read strictly, and empty means unset', async t => {
  t.same(loadConfig({ PORT: '8080', HOST: '0.0.0.0', RATE_LIMIT_MAX: '100000', TRUST_PROXY: 'true', LOG_LEVEL: 'debug', API_KEY: '', CONTACT: 'a@b.c' }),
    { ...loadConfig({}), PORT: 8080, HOST: '0.0.0.0', RATE_LIMIT_MAX: 100000, TRUST_PROXY: true, LOG_LEVEL: 'debug', CONTACT: 'a@b.c' })
  t.equal(loadConfig({ PUBLIC_URL: 'https://Game.Example.com/' }).PUBLIC_URL, 'https://game.example.com')
  t.equal(loadConfig({ PUBLIC_URL: 'http://localhost:3000' }).PUBLIC_URL, 'http://localhost:3000', 'http is fine for a local try')
  t.equal(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:3000' }).PUBLIC_URL, 'http://127.0.0.1:3000')
  t.equal(loadConfig({ WIDGET_DOMAIN: 'https://Widgets.Example.com/' }).WIDGET_DOMAIN, 'https://widgets.example.com')
  t.match(
    loadConfig({ OAUTH_ISSUER: 'https://login.example.com/realms/games', PUBLIC_URL: 'https://game.example.com', OAUTH_SCOPES: 'tictactoe:play, openid' }),
    { OAUTH_ISSUER: 'https://login.example.com/realms/games', OAUTH_SCOPES: 'tictactoe:play, openid' },
    "an issuer with a path, as Keycloak's"
  )
  t.equal(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY, false)
  t.equal(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY, 2, 'a hop count')
  t.equal(loadConfig({ TRUST_PROXY: '10.0.0.1, fd00::/8' }).TRUST_PROXY, '10.0.0.1, fd00::/8', 'a list of proxies')
  t.equal(loadConfig({ TRUSTED_NETWORKS: '203.0.113.0/24,2001:db8::1' }).TRUSTED_NETWORKS, '203.0.113.0/24,2001:db8::1')
  const networks = networksOf('203.0.113.0/24, 198.51.100.7, 2001:db8::/32, ::1')
  t.ok(networks.check('203.0.113.9', 'ipv4'))
  t.ok(networks.check('198.51.100.7', 'ipv4'))
  t.notOk(networks.check('198.51.100.8', 'ipv4'))
  t.ok(networks.check('2001:db8::42', 'ipv6'))
  t.ok(networks.check('::1', 'ipv6'))
  t.equal(loadConfig({ REDIS_URL: 'redis://redis:6379' }).REDIS_URL, 'redis://redis:6379')
  t.equal(loadConfig({ REDIS_URL: 'rediss://user:pass@redis.example.com:6380/2' }).REDIS_URL, 'rediss://user:pass@redis.example.com:6380/2')
  t.equal(loadConfig({ API_KEY: '' }).API_KEY, undefined, 'an empty key is unset')
  t.match(loadConfig({ ALLOWED_HOSTS: 'a.example.com, 10.0.0.5,[::1]', ALLOWED_ORIGINS: 'https://inspector.example.org, http://localhost:6274' }),
    { ALLOWED_HOSTS: 'a.example.com, 10.0.0.5,[::1]', ALLOWED_ORIGINS: 'https://inspector.example.org, http://localhost:6274' })
})

t.test('a bad value stops the start with one line naming the variable and the problem', async t => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ PORT: 'abc' }, 'PORT must be an integer from 1 to 65535 (got "abc").'],
    [{ PORT: '70000' }, 'PORT must be an integer from 1 to 65535 (got "70000").'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace or silent (got "loud").'],
    [{ RATE_LIMIT_MAX: '0' }, 'RATE_LIMIT_MAX must be a positive integer (calls per caller per minute) (got "0").'],
    [{ RATE_LIMIT_MAX: '1.5' }, 'RATE_LIMIT_MAX must be a positive integer (calls per caller per minute) (got "1.5").'],
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY must be false, a number of proxies in front (1 to 10), a comma-separated list of proxy addresses or CIDRs, ' +
      'or true (every proxy; only where nothing else can reach the service) (got "yes").'],
    [{ TRUST_PROXY: '0' }, 'TRUST_PROXY must be false, a number of proxies in front (1 to 10), a comma-separated list of proxy addresses or CIDRs, or ' +
      'true (every proxy; only where nothing else can reach the service) (got "0").'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY has "10.0.0.0/33", which is not an IP address or CIDR (such as 10.0.0.0/8 or fd00::/8).'],
    [{ TRUSTED_NETWORKS: '203.0.113.0/24, 1.2.3' }, 'TRUSTED_NETWORKS has "1.2.3", which is not an IP address or CIDR (such as 10.0.0.0/8 or fd00::/8).'],
    [{ TRUSTED_NETWORKS: '::1/129' }, 'TRUSTED_NETWORKS has "::1/129", which is not an IP address or CIDR (such as 10.0.0.0/8 or fd00::/8).'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL, such as redis://redis:6379 (got "localhost:6379").'],
    [{ TRUSTED_NETWORKS: 'my-proxy' }, 'TRUSTED_NETWORKS must be a comma-separated list of addresses or CIDRs, such as 203.0.113.0/24 (got "my-proxy").'],
    [{ API_KEY: 'short-secret' }, 'API_KEY must be at least 16 characters.'],
    [{ PUBLIC_URL: 'http://game.example.com' }, 'PUBLIC_URL must start with https:// (the GPT editor accepts only https; http is allowed for ' +
      'localhost and 127.0.0.1) (got "http://game.example.com").'],
    [{ PUBLIC_URL: 'game.example.com' }, 'PUBLIC_URL is not a URL (got "game.example.com").'],
    [{ ALLOWED_HOSTS: 'https://a.example.com' }, 'ALLOWED_HOSTS must be a comma-separated list of host names, such as game.example.com,10.0.0.5 (got ' +
      '"https://a.example.com").'],
    [{ ALLOWED_ORIGINS: 'inspector.example.org' }, 'ALLOWED_ORIGINS must be a comma-separated list of origins, such as https://inspector.example.com ' +
      '(got "inspector.example.org").'],
    [{ ALLOWED_ORIGINS: 'https://a.example.org/path' }, 'ALLOWED_ORIGINS must be a comma-separated list of origins, such as ' +
      'https://inspector.example.com (got "https://a.example.org/path").'],
    [{ PUBLIC_URL: 'https://game.example.com/api' }, 'PUBLIC_URL must be an origin with no path, query or fragment (got "https://game.example.com/api").'],
    [{ WIDGET_DOMAIN: 'http://widgets.example.com' }, 'WIDGET_DOMAIN must start with https:// (ChatGPT takes only an https widget domain; http is ' +
      'allowed for localhost and 127.0.0.1) (got "http://widgets.example.com").'],
    [{ OAUTH_ISSUER: 'issuer.example.com', PUBLIC_URL: 'https://game.example.com' }, 'OAUTH_ISSUER is not a URL (got "issuer.example.com").'],
    [{ OAUTH_ISSUER: 'http://issuer.example.com', PUBLIC_URL: 'https://game.example.com' }, 'OAUTH_ISSUER must start with https:// (an authorization ' +
      'server is reached over https; http is allowed for localhost and 127.0.0.1) (got "http://issuer.example.com").'],
    [{ OAUTH_ISSUER: 'https://issuer.example.com/?tenant=1', PUBLIC_URL: 'https://game.example.com' }, 'OAUTH_ISSUER must have no query or fragment ' +
      '(got "https://issuer.example.com/?tenant=1").'],
    [{ OAUTH_ISSUER: 'https://issuer.example.com/' }, 'OAUTH_ISSUER needs PUBLIC_URL: the access tokens are issued for this service\'s address, and ' +
      'the clients are told where it is.'],
    [{ OAUTH_SCOPES: 'play "all"' }, 'OAUTH_SCOPES must be scope names separated by spaces or commas, such as tictactoe:play (got "play \\"all\\"").'],
    [{ TRUSTED_ADDRESS_MAX: '0' }, 'TRUSTED_ADDRESS_MAX must be a positive integer (calls per minute shared by the callers of one trusted address ' +
      'that name no player) (got "0").'],
    // A key of spaces would otherwise run the service with no key (empty stays unset, as compose passes it).
    [{ API_KEY: '   ' }, 'API_KEY is blank (only spaces): set a key of at least 16 characters, or leave it unset to run without one.'],
    [{ REDIS_URL: 'redis://[bad' }, 'REDIS_URL is not a URL (got "redis://[bad"): give a redis:// or rediss:// URL, such as redis://redis:6379.'],
    [{ REDIS_URL: 'redis://:secret@[bad' }, 'REDIS_URL is not a URL: give a redis:// or rediss:// URL, such as redis://redis:6379.'],
    [{ REDIS_URL: 'rediss://user:secret@' }, 'REDIS_URL is not a URL: give a redis:// or rediss:// URL, such as redis://redis:6379.'],
    [{ REDIS_URL: 'redis://' }, 'REDIS_URL has no host (got "redis://"): give a redis:// or rediss:// URL, such as redis://redis:6379.'],
    [{ REDIS_URL: 'redis://redis:99999' }, 'REDIS_URL is not a URL (got "redis://redis:99999"): give a redis:// or rediss:// URL, such as redis://redis:6379.'],
    [{ REDIS_URL: 'redis://redis:6379/cache' }, 'REDIS_URL may name a database by its number only, such as redis://redis:6379/0 (got ' +
      '"redis://redis:6379/cache"): give a redis:// or rediss:// URL, such as redis://redis:6379.'],
    [{ REDIS_URL: 'http://:secret@redis' }, 'REDIS_URL must be a redis:// or rediss:// URL, such as redis://redis:6379.']
  ]
  for (const [env, message] of cases) {
    t.throws(() => loadConfig(env), new ConfigError(message), message)
  }
})

t.test('the API key never appears in a configuration error', async t => {
  try {
    loadConfig({ API_KEY: 'tooshort' })
    t.fail('should have thrown')
  } catch (error) {
    t.notMatch((error as Error).message, 'tooshort')
  }
})
