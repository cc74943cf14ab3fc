// Loaded before anything else so the logger is created silent for tests.
process.env.NODE_ENV = 'test';
