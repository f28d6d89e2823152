"""Cases (ärenden): suggestions, complaints, praise and questions, their lifecycle and history."""
