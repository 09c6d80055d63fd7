import { describe, expect, it } from '@jest/globals';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod, type Type } from '@nestjs/common';
import { PUBLIC_ROUTE, REQUIRED_ACCESS, type AccessRule } from './auth/auth.decorators.js';
import { AppModule } from './app.module.js';

/**
 * The routes whose access is decided by a handler, each with where: they act on one form (or several), and the
 * answer depends on the form's unit, state and review step, which only the handler knows. Every other route is
 * either @Public or names its row of an access table with @Allowed. A new route that is none of these fails here.
 */
const DECIDED_BY_THE_HANDLER: Readonly<Record<string, string>> = {
  'EvaluationsController.create': 'EVALUATION_ACCESS create (with the unit: CreateEvaluationHandler)',
  'EvaluationsController.list': 'the SQL of ListEvaluationsHandler (visible units, queue rows)',
  'EvaluationsController.get': 'EVALUATION_ACCESS read (assertVisible)',
  'EvaluationsController.formXlsx': 'EVALUATION_ACCESS read (FormPaperQuery)',
  'EvaluationsController.formDocx': 'EVALUATION_ACCESS read (FormPaperQuery)',
  'EvaluationsController.formPdf': 'EVALUATION_ACCESS read (FormPaperQuery)',
  'EvaluationsController.history': 'EVALUATION_ACCESS read',
  'EvaluationsController.changes': 'EVALUATION_ACCESS read',
  'EvaluationsController.resolveComment': 'EVALUATION_ACCESS resolveComment (review step)',
  'EvaluationsController.update': 'EVALUATION_ACCESS edit',
  'EvaluationsController.copy': 'EVALUATION_ACCESS copy',
  'EvaluationsController.submit': 'EVALUATION_ACCESS submit',
  'EvaluationsController.approve': 'EVALUATION_ACCESS approve (review step)',
  'EvaluationsController.return': 'EVALUATION_ACCESS return (review step)',
  'EvaluationsController.withdraw': 'EVALUATION_ACCESS withdraw',
  'EvaluationsController.discard': 'EVALUATION_ACCESS discard',
  'EvaluationsController.claim': 'EVALUATION_ACCESS claim (review step)',
  'EvaluationsController.reviewers': 'EVALUATION_ACCESS reassign',
  'EvaluationsController.reassign': 'EVALUATION_ACCESS reassign',
  'EvaluationsController.publish': 'EVALUATION_ACCESS publish',
  'EvaluationsController.reopen': 'EVALUATION_ACCESS reopen',
  'AttachmentsController.add': 'EVALUATION_ACCESS attach',
  'AttachmentsController.list': 'EVALUATION_ACCESS read',
  'AttachmentsController.file': 'EVALUATION_ACCESS read',
  'AttachmentsController.remove': 'EVALUATION_ACCESS detach',
  'BulkActionsController.approve': 'EVALUATION_ACCESS approve, per form (BulkEvaluationHandler)',
  'BulkActionsController.return': 'EVALUATION_ACCESS return, per form',
  'BulkActionsController.publish': 'EVALUATION_ACCESS publish, per form',
  'ImportsController.importSelfEvaluations': 'EVALUATION_ACCESS import (and publish when imported as published), with the unit',
  'AuthController.me': 'any signed-in person: their own session',
  'MeController.queues': 'any signed-in person: their own queue counts (MyQueuesHandler asks the queue.* rows)',
  'MeController.streamTicket': 'any signed-in person: a ticket for their own live stream',
};

interface Route {
  key: string;
  path: string;
  decidedBy: 'public' | 'table' | 'handler' | 'nobody';
}

function routesOf(controller: Type): Route[] {
  const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
  const classPublic = Reflect.getMetadata(PUBLIC_ROUTE, controller) === true;
  const proto = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto)
    .filter((name) => name !== 'constructor' && typeof proto[name] === 'function' && Reflect.getMetadata(METHOD_METADATA, proto[name] as object) !== undefined)
    .map((name) => {
      const handler = proto[name] as object;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const key = `${controller.name}.${name}`;
      const rule = Reflect.getMetadata(REQUIRED_ACCESS, handler) as AccessRule | undefined;
      const decidedBy = classPublic || Reflect.getMetadata(PUBLIC_ROUTE, handler) === true ? 'public' : rule ? 'table' : key in DECIDED_BY_THE_HANDLER ? 'handler' : 'nobody';
      return { key, path: `${method} /api/${[base, String(Reflect.getMetadata(PATH_METADATA, handler) ?? '')].filter((p) => p && p !== '/').join('/')}`, decidedBy };
    });
}

describe('every route says who may use it', () => {
  const controllers = Reflect.getMetadata('controllers', AppModule) as Type[];
  const routes = controllers.flatMap(routesOf);

  it('finds the routes of every controller', () => {
    expect(controllers.length).toBeGreaterThan(10);
    expect(routes.length).toBeGreaterThan(60);
  });

  it('is @Public, names a row of an access table (@Allowed), or is one a handler decides, listed above', () => {
    expect(routes.filter((r) => r.decidedBy === 'nobody').map((r) => `${r.key} (${r.path})`)).toEqual([]);
  });

  it('lists no route that is gone or that a decorator already decides', () => {
    const byTheHandler = new Set(routes.filter((r) => r.decidedBy === 'handler').map((r) => r.key));
    expect(Object.keys(DECIDED_BY_THE_HANDLER).filter((key) => !byTheHandler.has(key))).toEqual([]);
  });

  it('opens only what must be open before sign-in', () => {
    expect(routes.filter((r) => r.decidedBy === 'public').map((r) => r.path).sort()).toEqual(
      ['GET /api/auth/demo-accounts', 'GET /api/health', 'GET /api/me/stream', 'GET /api/vocabulary', 'POST /api/auth/login'].sort(),
    );
  });
});
