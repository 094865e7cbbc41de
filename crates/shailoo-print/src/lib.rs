//! Printable documents rendered to PDF (being written).
