import { z } from 'zod';
import { countPattern } from '../text.js';

/** Multipart text fields arrive as strings: these read them as what they mean. */
export const formBoolean = z.enum(['true', 'false'], { error: 'v.boolean' }).transform((v) => v === 'true');

export const formCount = (max: number) =>
  z
    .string()
    .meta({ pattern: countPattern(max, 12) })
    .trim()
    .regex(/^\d{1,12}$/, { error: 'v.integer' })
    .transform(Number)
    .pipe(z.number().int().min(0).max(max));
