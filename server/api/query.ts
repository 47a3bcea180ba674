import { z } from 'zod';

/**
 * A whole number in a query string, as the OpenAPI document's `integer` says: digits only (no
 * sign, space, fraction or exponent, which Number() would read), from `min` to `max`.
 */
export const queryInteger = (min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,9}$/, { error: 'v.integer' })
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
