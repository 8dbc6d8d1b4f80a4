"""Python side of the identity_stitching dbt project.

Python here only reads vendor files and writes export files: every transformation
lives in the dbt models.
"""
