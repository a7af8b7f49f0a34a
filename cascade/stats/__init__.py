"""Pure statistics over plain values: fidelity figures, the research schedule, costs, adverse-event clocks."""
