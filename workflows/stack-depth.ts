/**
 * How many frames an error's stack keeps inside workflow code. The SDK records where every promise
 * a workflow creates was made (for the stack-trace query) by building an error and mapping each of
 * its frames through the bundle's source map, so every frame costs CPU on each promise. Five frames
 * keep the hook's own two and three of the workflow's, which still name the function a round waits
 * in and where an error was thrown; the default ten cost a review's first task about 2 ms more.
 *
 * It runs once, when the worker loads the bundle (it is preloaded), before the SDK freezes the
 * context's globals, so no workflow can change it afterwards.
 */
Error.stackTraceLimit = 5;

export {};
