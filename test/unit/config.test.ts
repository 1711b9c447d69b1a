import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, requireExternalServices } from '../../platform/config.ts';
import { withConfigTable } from '../../platform/config-docs.ts';
import { projectRoot } from '../../platform/paths.ts';

const issuesOf = (env: NodeJS.ProcessEnv) => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration', () => {
  it('has working defaults for a single machine', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', TEMPORAL_NAMESPACE: 'default', TEMPORAL_TLS: false, SEED_DEMO: true });
    expect(path.isAbsolute(c.DATA_DIR)).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names the variable that is wrong, and why', () => {
    expect(issuesOf({ PORT: 'eighty' })).toEqual([{ variable: 'PORT', message: expect.stringMatching(/number/i) }]);
    expect(issuesOf({ TEMPORAL_ADDRESS: 'http://temporal' })).toEqual([{ variable: 'TEMPORAL_ADDRESS', message: 'expected host:port' }]);
    expect(
      issuesOf({ TEMPORAL_TLS: 'yes', LOG_LEVEL: 'loud' })
        .map((i) => i.variable)
        .sort(),
    ).toEqual(['LOG_LEVEL', 'TEMPORAL_TLS']);
    expect(issuesOf({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/etc/tls/client.pem' })).toEqual([
      { variable: 'TEMPORAL_TLS_CLIENT_KEY_PATH', message: expect.stringContaining('together') },
    ]);
  });

  it('treats empty variables as unset and parses booleans and numbers', () => {
    const c = loadConfig({ PORT: '', TEMPORAL_TLS: '1', DATABASE_POOL_MAX: '25', SEED_DEMO: 'false' });
    expect(c).toMatchObject({ PORT: 3000, TEMPORAL_TLS: true, DATABASE_POOL_MAX: 25, SEED_DEMO: false });
  });

  it('requires external services for a process started on its own', () => {
    expect(() => requireExternalServices(loadConfig({}))).toThrow(/DATABASE_URL: required[\s\S]*TEMPORAL_ADDRESS: required/);
    const c = requireExternalServices(
      loadConfig({ DATABASE_URL: 'postgres://u:p@db.example:5432/sportello?sslmode=require', TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233' }),
    );
    expect(c.TEMPORAL_ADDRESS).toBe('ns.tmprl.cloud:7233');
  });

  it('is documented in docs/operations.md exactly as declared (npm run docs:config)', () => {
    const page = readFileSync(path.join(projectRoot, 'docs', 'operations.md'), 'utf8');
    expect(withConfigTable(page)).toBe(page);
  });
});
