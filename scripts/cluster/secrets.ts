/**
 * The cluster's credentials, generated on first start and kept in DATA_DIR/secrets.json (mode
 * 0600) so that restarts keep sessions, logins and the tenant key. Variables the operator sets
 * (SESSION_SECRET, ADMIN_EMAIL + ADMIN_PASSWORD, BOOTSTRAP_TENANT_NAME + BOOTSTRAP_TENANT_API_KEY)
 * win over the file.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const schema = z.object({
  temporalDbPassword: z.string().min(16),
  appDbPassword: z.string().min(16),
  sessionSecret: z.string().min(32),
  /** Seals ID numbers; every web process must hold the same key. Absent in files written before it existed. */
  fieldKey: z.string().length(44).optional(),
  adminEmail: z.email(),
  adminPassword: z.string().min(12),
  tenantName: z.string().min(1),
  tenantApiKey: z.string().min(24),
});

export type ClusterSecrets = z.infer<typeof schema>;

const token = (bytes: number): string => randomBytes(bytes).toString('base64url');

export async function loadSecrets(dataDir: string, env: NodeJS.ProcessEnv): Promise<ClusterSecrets> {
  const file = path.join(dataDir, 'secrets.json');
  let stored: ClusterSecrets;
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) {
    stored = {
      temporalDbPassword: token(24),
      appDbPassword: token(24),
      sessionSecret: token(32),
      fieldKey: randomBytes(32).toString('base64'),
      adminEmail: 'admin@cluster.local',
      adminPassword: token(12),
      tenantName: 'cluster tenant',
      tenantApiKey: `vrd_cluster_${token(18)}`,
    };
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  } else {
    const parsed = schema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new Error(`${file} is damaged (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}); remove it to generate new credentials`);
    }
    stored = parsed.data;
    if (!stored.fieldKey) {
      stored.fieldKey = randomBytes(32).toString('base64');
      await fs.writeFile(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    }
  }
  return {
    ...stored,
    sessionSecret: env.SESSION_SECRET || stored.sessionSecret,
    ...(env.ADMIN_EMAIL && env.ADMIN_PASSWORD ? { adminEmail: env.ADMIN_EMAIL, adminPassword: env.ADMIN_PASSWORD } : {}),
    ...(env.BOOTSTRAP_TENANT_NAME && env.BOOTSTRAP_TENANT_API_KEY ? { tenantName: env.BOOTSTRAP_TENANT_NAME, tenantApiKey: env.BOOTSTRAP_TENANT_API_KEY } : {}),
  };
}
