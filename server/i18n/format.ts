export { DISPLAY_TIME_ZONE, formatTime } from '../../domain/time-format.js';
