import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * The web app's Content-Security-Policy: its own scripts, styles and data only (fetch and
 * EventSource go to the same origin), no plugins, no framing by others.
 */
const DIRECTIVES = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  fontSrc: ["'self'", 'data:'],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'self'"],
};

/**
 * Security headers that depend on how the request arrived. `upgrade-insecure-requests`, HSTS and
 * Cross-Origin-Opener-Policy are sent only over TLS (`req.secure`; X-Forwarded-Proto counts only when
 * TRUST_PROXY says so): on `http://<LAN address>:3000/` the first two would make the browser fetch the
 * app's own files over https, where nothing answers, and the app would never load; the browser ignores
 * the third on such an origin and says so in the console of every page.
 */
export function securityHeaders(): RequestHandler {
  const overTls = helmet({ contentSecurityPolicy: { useDefaults: false, directives: { ...DIRECTIVES, upgradeInsecureRequests: [] } } });
  const plain = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: DIRECTIVES },
    strictTransportSecurity: false,
    crossOriginOpenerPolicy: false,
  });
  return (req: Request, res: Response, next: NextFunction) => (req.secure ? overTls : plain)(req, res, next);
}

/**
 * Express's `trust proxy` from TRUST_PROXY: unset or `false` trusts no proxy (X-Forwarded-* ignored);
 * `true` trusts every hop; a number trusts that many hops; anything else is a list of addresses or
 * subnets (`loopback`, `10.0.0.0/8, 192.168.1.2`).
 */
export function trustProxySetting(value: string | null | undefined): boolean | number | string {
  const v = value?.trim() ?? '';
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}
