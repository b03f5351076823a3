module example.com/reamaze-recipe

go 1.19
