import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Requests Node's HTTP parser refuses before Express sees them (a URL or headers over Node's 16 KB limit, a
 * request line that is not HTTP) are answered in the API's error model too, rather than Node's bare status
 * line: `{statusCode, code, message}` with a Chinese message, then the connection is closed.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || (error.code === 'ECONNRESET' && !socket.bytesWritten)) return socket.destroy();
    const [status, reason, body] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', { statusCode: 431, code: 'HEADERS_TOO_LARGE', message: '请求的网址或请求头过长' }]
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout', { statusCode: 408, code: 'REQUEST_TIMEOUT', message: '请求发送超时' }]
          : [400, 'Bad Request', { statusCode: 400, code: 'BAD_REQUEST', message: '请求格式无效（不是有效的 HTTP 请求）' }];
    const json = JSON.stringify(body);
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`);
  });
}
