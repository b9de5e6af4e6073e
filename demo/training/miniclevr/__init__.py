"""mini-CLEVR: a small synthetic visual question answering task for DIME's demo models."""
