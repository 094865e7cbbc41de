//! shailoo-generator
