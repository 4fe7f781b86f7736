// the helper building bench/ replaces this file
export {}
