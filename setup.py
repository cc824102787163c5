from setuptools import setup

setup(cffi_modules=["sources/_native/build.py:ffibuilder", "pipelines/_native/build.py:ffibuilder", "openentropy/_native/build.py:ffibuilder"])
