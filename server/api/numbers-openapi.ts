import { numberUnsubscribeKind } from '../../domain/kinds/number-unsubscribe.js';
import { idParameter, NUMBERS_CURSOR_PATTERN, subjectIdPattern } from './ids.js';
import { errorResponses } from './openapi-errors.js';

/** The tenant API's number routes beyond the kinds' own (GET /numbers, a batch's results), for the OpenAPI document. */

export const numbersPaths = {
  '/numbers': {
    get: {
      summary: 'Your numbers, in the order they were issued',
      parameters: [
        { name: 'status', in: 'query', schema: { enum: ['active', 'released'] } },
        { name: 'cursor', in: 'query', schema: { type: 'string', pattern: NUMBERS_CURSOR_PATTERN, description: 'nextCursor of the page before' } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
      ],
      responses: {
        '200': {
          description: 'A page of numbers',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  items: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['number', 'city', 'status', 'rentFrom'],
                      properties: {
                        number: { type: 'string', description: 'E.164, e.g. +861012345678' },
                        city: { type: 'string' },
                        status: { enum: ['active', 'released'] },
                        rentFrom: { type: 'string', format: 'date', description: 'Monthly rent starts on this (Beijing) date, the day the number was issued' },
                        rentUntil: { type: ['string', 'null'], format: 'date', description: 'A released number is paid for through the end of its release month' },
                        orderId: { type: 'string' },
                      },
                    },
                  },
                  nextCursor: { type: ['string', 'null'] },
                },
              },
            },
          },
        },
        ...errorResponses(422),
      },
    },
  },
  '/number-unsubscriptions/{id}/results': {
    get: {
      summary: "A finished batch's results in the Accept-Language: number, outcome, reason and outcome code (released | check_failed | release_failed), in sheet order",
      parameters: [idParameter(subjectIdPattern(numberUnsubscribeKind.subjectPrefix))],
      responses: {
        '200': { description: 'The results', content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } } } },
        ...errorResponses(404, 409),
      },
    },
  },
};
