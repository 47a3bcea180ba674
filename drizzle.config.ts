import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  // The shared tables, and each kind's own beside its subject store.
  schema: ['./db/schema.ts', './db/subjects/*.ts'],
  out: './migrations',
});
