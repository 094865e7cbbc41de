//! Adapters to external state systems (being written).
