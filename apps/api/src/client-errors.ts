import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody } from './error-status.js';

/**
 * Requests Node's HTTP parser refuses before Express sees them (a URL or headers over Node's 16 KB limit, a
 * request line that is not HTTP) are answered in the API's error model too, rather than Node's bare status
 * line: `{statusCode, code, message}` with a Chinese message, then the connection is closed.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || (error.code === 'ECONNRESET' && !socket.bytesWritten)) return socket.destroy();
    const body =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? errorBody('HEADERS_TOO_LARGE', '请求的网址或请求头过长')
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? errorBody('REQUEST_TIMEOUT', '请求发送超时')
          : errorBody('BAD_REQUEST', '请求格式无效（不是有效的 HTTP 请求）');
    const json = JSON.stringify(body);
    socket.end(`HTTP/1.1 ${body.statusCode} ${STATUS_CODES[body.statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`);
  });
}
