export { reviewRound } from './review-round.js';
