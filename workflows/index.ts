export { reviewLifecycle, reviewRound } from './review-lifecycle.js';
export { deliverNoticesWorkflow } from './deliver-notice.js';
export { recomputeDeadlines } from './recompute-deadlines.js';
export { bulkDecide } from './bulk-decide.js';
