"""The course's autograder: an instructor CLI on top of nbgrader (release, grade, check).

``autograder.checks`` holds the check helpers the notebooks' test cells call.
"""
