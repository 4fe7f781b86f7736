// the helper building this driver replaces this file
export {}
