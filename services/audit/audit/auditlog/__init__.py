"""The tamper-evident audit log (loggbok): a hash chain of every change and every refused attempt."""
