module dvmlab

go 1.26.8
