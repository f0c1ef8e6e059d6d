//! The hidden `cohesion bench child --task JSON`: one measurement in a fresh process, answered
//! as one JSON object on standard output.

use super::{classic, ensemble, population};
use cohesion_io::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, Clone)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Task {
    Classic(classic::Task),
    Population(population::Task),
    Ensemble(ensemble::Task),
}

pub fn run(task: &str) -> Result<()> {
    let task: Task = serde_json::from_str(task)
        .map_err(|e| Error::input(format!("bench child: unreadable --task ({e})")))?;
    let answer = match task {
        Task::Classic(t) => serde_json::to_string(&classic::measure(&t)?),
        Task::Population(t) => serde_json::to_string(&population::measure(&t)?),
        Task::Ensemble(t) => serde_json::to_string(&ensemble::measure(&t)?),
    }
    .map_err(|e| Error::failure(format!("bench child: encoding the answer: {e}")))?;
    println!("{answer}");
    Ok(())
}
