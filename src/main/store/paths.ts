/** The workstation store's file name inside the data folder (Electron userData, harness --data, seed --data). */
export const STORE_FILE = 'hotline.sqlite';
