export { reviewRound } from './review-round.js';
export { deliverNoticesWorkflow } from './deliver-notice.js';
export { recomputeDeadlines } from './recompute-deadlines.js';
