"""Written answers, graded by a person: formgrader on grade's output folder, or
``autograder manual export`` / ``import`` for graders who work from HTML pages and a CSV."""
