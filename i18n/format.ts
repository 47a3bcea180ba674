export { DISPLAY_TIME_ZONE, formatDay, formatTime } from '../domain/time-format.js';
