//! `postproxy-mock proxy`: in front of a faithful upstream (the mock, in-process) every answer
//! is the direct one and nothing is reported; in front of a stub that drifts on purpose
//! (`support::drift`) each planted drift is reported, and verify run through it reports them
//! too; requests that break the spec are reported and forwarded; no answer is a 502 or 504;
//! the control API; `--record` served back by a mock; and the program.

mod binary;
mod control;
mod drift;
mod faithful;
mod record;
mod support;
