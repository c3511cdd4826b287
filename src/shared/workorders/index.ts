/** The work-order lifecycle and its deadlines; see README.md in this folder. */
export * from './calendar';
export * from './deadlines';
export * from './states';
export * from './model';
export * from './actions';
export * from './refusals';
export * from './table';
export * from './apply';
