import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../runtime/config.js';

describe('DATABASE_APP_URL', () => {
  it('when it is set with DATABASE_URL, then the config carries both', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://owner:pw@db:5432/vrd', DATABASE_APP_URL: 'postgres://vrd_app:pw@db:5432/vrd' });
    expect(c.databaseUrl).toBe('postgres://owner:pw@db:5432/vrd');
    expect(c.databaseAppUrl).toBe('postgres://vrd_app:pw@db:5432/vrd');
  });

  it('when it is set without DATABASE_URL, or is not a postgres URL, then the start stops with a message naming it', () => {
    expect(() => loadConfig({ DATABASE_APP_URL: 'postgres://vrd_app:pw@db:5432/vrd' })).toThrow(/DATABASE_APP_URL needs DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://o@db/vrd', DATABASE_APP_URL: 'mysql://x@db/vrd' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://o@db/vrd', DATABASE_APP_URL: 'mysql://x@db/vrd' })).toThrow(/DATABASE_APP_URL/);
  });
});
