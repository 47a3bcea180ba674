import type { NextFunction, Request, RequestHandler, Response } from 'express';

export interface BodyPace {
  /** Time a body may take before its pace is looked at (a slow start, a small form typed by hand). */
  graceMs: number;
  /** Bytes a second the body must have averaged since the grace ended. */
  minBytesPerSecond: number;
  checkEveryMs: number;
}

/**
 * Uploads are up to tens of megabytes, so no fixed time fits every body; a pace does. A body
 * arriving slower than `minBytesPerSecond` (counted after `graceMs`) is cut off: answered by
 * `answer` (408) and its connection closed, so a client trickling a few bytes every few seconds
 * ties up a connection and a parser for seconds, not minutes. The parser then sees its request
 * aborted and discards what it staged. Bytes are counted on the socket, so nothing here reads
 * the body in place of its parser.
 */
export function bodyDeadline(pace: BodyPace, answer: (req: Request, res: Response) => void): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (req.complete || (req.headers['transfer-encoding'] === undefined && !(declared > 0))) {
      next();
      return;
    }
    const socket = req.socket;
    const started = Date.now();
    const base = socket.bytesRead;
    const timer = setInterval(() => {
      if (req.complete || socket.destroyed) {
        clearInterval(timer);
        return;
      }
      const late = Date.now() - started - pace.graceMs;
      if (late <= 0 || socket.bytesRead - base >= (late / 1000) * pace.minBytesPerSecond) return;
      clearInterval(timer);
      // The request is ended as aborted (not with an error, which a route not reading yet would not
      // listen for): its parser gives up and removes what it staged. Only once the answer is out:
      // a finished answer also stops Node handing the rest of the body to the parser.
      if (!res.headersSent) {
        res.set('Connection', 'close');
        res.once('finish', () => req.destroy());
        answer(req, res);
      } else req.destroy();
    }, pace.checkEveryMs);
    timer.unref();
    const stop = () => clearInterval(timer);
    req.once('end', stop);
    res.once('close', stop);
    next();
  };
}

/** What the app holds a body to: 16 kB a second after the first 10 seconds. */
export const BODY_PACE: BodyPace = { graceMs: 10_000, minBytesPerSecond: 16 * 1024, checkEveryMs: 1000 };
