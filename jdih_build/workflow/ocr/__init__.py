"""The office IT person's commands for the OCR backlog (`jdih ocr`)."""
