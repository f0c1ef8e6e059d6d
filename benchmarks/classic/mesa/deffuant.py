"""B2 Deffuant bounded confidence in Mesa 3.3.1: FixedAgent per node of a discrete_space
Network built from a networkx G(N, M) graph, AgentSet.shuffle_do for random activation
(each agent once per step picks a random neighbour: N interactions per step).
Usage: python deffuant.py N STEPS SEED  -> one JSON object on stdout."""
import json
import sys
import time

import networkx as nx
from mesa import Model
from mesa.discrete_space import FixedAgent, Network

EPSILON = 0.2
MU = 0.5


class Person(FixedAgent):
    def __init__(self, model, cell):
        super().__init__(model)
        self.cell = cell
        self.opinion = self.random.random()

    def step(self):
        neighbours = list(self.cell.neighborhood.agents)
        if not neighbours:
            return
        other = self.random.choice(neighbours)
        difference = other.opinion - self.opinion
        if abs(difference) < EPSILON:
            self.opinion += MU * difference
            other.opinion -= MU * difference


class Deffuant(Model):
    def __init__(self, n, seed):
        super().__init__(seed=seed)
        graph = nx.gnm_random_graph(n, 10 * n, seed=seed)
        self.network = Network(graph, capacity=1, random=self.random)
        for cell in self.network.all_cells:
            Person(self, cell)

    def step(self):
        self.agents.shuffle_do("step")


def clusters(opinions):
    xs = sorted(opinions)
    n = len(xs)
    count, large, size = 1, 0, 1
    for a, b in zip(xs, xs[1:]):
        if b - a > 0.05:
            large += size * 20 >= n
            count += 1
            size = 0
        size += 1
    large += size * 20 >= n
    return count, int(large)


def main():
    n, steps, seed = (int(a) for a in sys.argv[1:4])
    t0 = time.perf_counter()
    model = Deffuant(n, seed)
    setup = time.perf_counter() - t0
    t1 = time.perf_counter()
    for _ in range(steps):
        model.step()
    run = time.perf_counter() - t1
    count, large = clusters([a.opinion for a in model.agents])
    print(json.dumps({"model": "deffuant", "framework": "mesa", "size": n, "agents": n,
                      "steps": steps, "seed": seed, "setup_s": setup, "run_s": run,
                      "activations": n * steps, "clusters": count, "large_clusters": large}))


if __name__ == "__main__":
    main()
