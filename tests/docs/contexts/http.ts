// What the fragments of docs/http.md use without showing it: the app's routes and its own functions.
import { ExceptionResponse, FileResponse, RedirectResponse, Routes, StreamResponse, Success, TextResponse, type Handler } from 'backendts';
import path from 'node:path';
declare const routes: Routes;
declare const listUsers: Handler;
declare const showUser: Handler;
declare const saveUpload: Handler;
declare const updateAvatar: Handler;
declare const legacy: Handler;
declare function findUser(db: unknown, id: number): Promise<{ id: number; username: string } | undefined>;
declare function getPost(id: number): Promise<{ id: number; title: string }>;
declare function createPost(data: unknown): Promise<{ id: number; title: string }>;
declare function cursor(): AsyncIterable<{ id: number }>;
declare const id: number;
