"""Word documents (python-docx, no Qt): the annual report as an editable .docx."""
