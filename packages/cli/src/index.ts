// the helper building the devtx command replaces this file
export {}
