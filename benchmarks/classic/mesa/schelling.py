"""B1 Schelling segregation in Mesa 3.3.1, written the way the Mesa docs suggest: CellAgent on
an OrthogonalMooreGrid torus, AgentSet.shuffle_do for random activation.
Usage: python schelling.py L STEPS SEED  -> one JSON object on stdout."""
import json
import sys
import time

from mesa import Model
from mesa.discrete_space import CellAgent, OrthogonalMooreGrid

THRESHOLD = 0.375
DENSITY = 0.8


class Resident(CellAgent):
    def __init__(self, model, group, cell):
        super().__init__(model)
        self.group = group
        self.cell = cell

    def like_and_occupied(self):
        neighbours = list(self.cell.neighborhood.agents)
        like = sum(1 for other in neighbours if other.group == self.group)
        return like, len(neighbours)

    def happy(self):
        like, occupied = self.like_and_occupied()
        return occupied == 0 or like / occupied >= THRESHOLD

    def step(self):
        if not self.happy():
            self.cell = self.model.grid.select_random_empty_cell()


class Schelling(Model):
    def __init__(self, side, seed):
        super().__init__(seed=seed)
        self.grid = OrthogonalMooreGrid((side, side), torus=True, capacity=1, random=self.random)
        agents = side * side * 4 // 5
        cells = self.random.sample(list(self.grid.all_cells), agents)
        for i, cell in enumerate(cells):
            Resident(self, 1 + i % 2, cell)

    def step(self):
        self.agents.shuffle_do("step")


def main():
    side, steps, seed = (int(a) for a in sys.argv[1:4])
    t0 = time.perf_counter()
    model = Schelling(side, seed)
    setup = time.perf_counter() - t0
    t1 = time.perf_counter()
    for _ in range(steps):
        model.step()
    run = time.perf_counter() - t1
    counts = [a.like_and_occupied() for a in model.agents]
    unhappy = sum(1 for like, occ in counts if occ > 0 and like / occ < THRESHOLD)
    shares = [like / occ for like, occ in counts if occ > 0]
    n = len(counts)
    print(json.dumps({"model": "schelling", "framework": "mesa", "size": side, "agents": n,
                      "steps": steps, "seed": seed, "setup_s": setup, "run_s": run,
                      "activations": n * steps, "unhappy_share": unhappy / n,
                      "like_share": sum(shares) / len(shares)}))


if __name__ == "__main__":
    main()
