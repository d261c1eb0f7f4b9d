// What the fragments of docs/runtime.md use without showing it: the project, an app's routes, a request.
import { Backendts, Request, Routes, Success } from 'backendts';
declare const bp: Backendts;
declare const routes: Routes;
declare const request: Request;
declare const user: { id: number; username: string };
